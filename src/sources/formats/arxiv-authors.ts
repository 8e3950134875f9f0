// arXiv's free-text author lists ("A. Smith (1), B. Jones (2) and C. Lee ((1) MIT, (2) CERN)"), as
// the snapshot's `authors` field and OAI-PMH arXivRaw write them.
import { normalizeSpace } from '../fields.ts';
import { decodeLatex } from '../latex.ts';

const NAME_SUFFIX = /^(?:Jr|Sr|Jnr|Snr|II|III|IV)\.?$/;
const ET_AL = /^et\.? al\.?$/i;

/**
 * The free-text `authors` field: names separated by `,` and ` and `, affiliations in
 * parentheses (`A. Smith (1), B. Jones (2) ((1) MIT, (2) CERN)`) and `et al` dropped, LaTeX decoded.
 */
export function splitAuthors(value: unknown): string[] | null {
  if (typeof value !== 'string') return null;
  let text = decodeLatex(value);
  // Innermost parentheses first, so nested affiliation lists go entirely.
  for (let previous = ''; previous !== text && text.includes('('); ) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, ' ');
  }
  const names: string[] = [];
  // Hard wraps (`\n  `) fall inside names, so only `,` and `and` separate them.
  for (const part of text.split(/,|\sand\s/)) {
    const name = normalizeSpace(part);
    if (name === '' || ET_AL.test(name)) continue;
    // "John Smith, Jr." is one author.
    if (NAME_SUFFIX.test(name) && names.length > 0) names[names.length - 1] += ` ${name}`;
    else names.push(name);
  }
  return names.length > 0 ? names : null;
}
