// Telling a file's format from its first bytes, so users never have to name it: XML by its root
// element, JSON Lines vs a JSON document by whether the first line is a complete value, CSV/TSV by
// a header row, and the Hugging Face page dump (plain text) last.
import { sniffDelimiter } from './formats/csv.ts';

/** How the bytes are laid out; which record shape a JSON file holds is decided per record (json-formats.ts). */
export type Container = 'jsonl' | 'json' | 'arxiv-atom' | 'arxiv-oai' | 'csv' | 'tsv' | 'hf-page';

/** Bytes looked at to decide: enough for an XML prolog plus comments, or a long CSV header. */
export const DETECT_BYTES = 64 * 1024;

export type Detection = { container: Container } | { unknown: string };

export function detectContainer(head: string, name: string): Detection {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return { container: 'jsonl' }; // empty input: no records, any reader says so
  const first = text[0];
  if (first === '<') {
    if (/<(?:\w+:)?OAI-PMH[\s>]/.test(text)) return { container: 'arxiv-oai' };
    if (/<(?:\w+:)?feed[\s>]/.test(text)) return { container: 'arxiv-atom' };
    return { unknown: 'XML that is neither an arXiv API Atom feed (<feed>) nor an OAI-PMH response (<OAI-PMH>)' };
  }
  if (first === '[') return { container: 'json' };
  if (first === '{') {
    const newline = text.indexOf('\n');
    // A first line that is a whole JSON value means one value per line; a pretty-printed or
    // single-line document that does not end within the sniffed bytes is read as a document.
    if (newline === -1) return { container: text.length < DETECT_BYTES - 1 ? 'jsonl' : 'json' };
    try {
      JSON.parse(text.slice(0, newline));
      return { container: 'jsonl' };
    } catch {
      return { container: 'json' };
    }
  }
  const headerLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = sniffDelimiter(headerLine);
  if (delimiter === ',') return { container: 'csv' };
  if (delimiter === '\t') return { container: 'tsv' };
  if (/\.txt(?:\.gz)?$/i.test(name) || name === '(stdin)') return { container: 'hf-page' };
  return {
    unknown: `the first line ${JSON.stringify(headerLine.slice(0, 80))} is not JSON, XML, or a CSV/TSV header with a title column`,
  };
}
