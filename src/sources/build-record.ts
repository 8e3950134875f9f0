// Turning already-validated fields into a PaperRecord, the same way for every source:
// whitespace clean-up, the title-slug id fallback and links read out of the abstract.

import { normalizeSpace } from './fields.ts';
import { cutAtWord, depthOver, RECORD_LIMITS } from './limits.ts';
import { findLinks } from './links.ts';
import type { FieldProblem, PaperRecord } from './record.ts';
import { titleSlug } from './slug.ts';

export { normalizeSpace };

/** Fields a source has extracted; anything left out becomes null (or `{}` for extra). */
export interface RecordFields {
  id?: string | null;
  title: string;
  abstract: string;
  authors?: string[] | null;
  authors_count?: number | null;
  published?: string | null;
  updated?: string | null;
  categories?: string[] | null;
  doi?: string | null;
  upvotes?: number | null;
  url?: string | null;
  github_url?: string | null;
  project_url?: string | null;
  extra?: Record<string, unknown>;
}

export type BuildResult = { ok: true; record: PaperRecord; warnings: FieldProblem[] } | { ok: false; field: string; reason: string };

const fmt = (n: number) => n.toLocaleString('en-US');

/** Extra fields too deep or too large to keep (they would break hashing or bloat every row). */
function boundedExtra(extra: Record<string, unknown>, warnings: FieldProblem[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (depthOver(value, RECORD_LIMITS.extraDepth)) {
      warnings.push({ field: key, reason: `is nested deeper than ${RECORD_LIMITS.extraDepth} levels; dropped` });
    } else if (value !== undefined && JSON.stringify(value).length > RECORD_LIMITS.extraBytes) {
      warnings.push({ field: key, reason: `is over ${fmt(RECORD_LIMITS.extraBytes)} characters as JSON; dropped` });
    } else kept[key] = value;
  }
  return kept;
}

/**
 * Build the record. Titles are whitespace-normalised like abstracts: a newline inside
 * a title is a source artefact, and it would show up in every search result.
 * Fails when no id is given and the title has nothing to slug (e.g. non-Latin script), and when
 * the id or title is over its limit (./limits.ts); a too long abstract or author list is cut and
 * oversized extra fields dropped, each with a warning.
 */
export function buildRecord(fields: RecordFields): BuildResult {
  const warnings: FieldProblem[] = [];
  const title = normalizeSpace(fields.title);
  if (title.length > RECORD_LIMITS.titleChars) {
    const reason = `is ${fmt(title.length)} characters, over the ${fmt(RECORD_LIMITS.titleChars)} a title may have (is another field in the title's place?)`;
    return { ok: false, field: 'title', reason };
  }
  let abstract = normalizeSpace(fields.abstract);
  if (abstract.length > RECORD_LIMITS.abstractChars) {
    warnings.push({ field: 'abstract', reason: `is ${fmt(abstract.length)} characters; kept the first ${fmt(RECORD_LIMITS.abstractChars)}` });
    abstract = cutAtWord(abstract, RECORD_LIMITS.abstractChars);
  }
  const givenId = fields.id?.trim() ?? '';
  const id = givenId !== '' ? givenId : titleSlug(title);
  if (id === '') {
    return {
      ok: false,
      field: 'id',
      reason: `no id given and the title "${title}" has no a-z/0-9 characters to build one from; add an id`,
    };
  }
  if (id.length > RECORD_LIMITS.idChars) {
    return { ok: false, field: 'id', reason: `is ${fmt(id.length)} characters; the API addresses ids of at most ${RECORD_LIMITS.idChars}` };
  }
  let authors = fields.authors ?? null;
  const authorsCount = fields.authors_count ?? authors?.length ?? null;
  if (authors !== null && (authors.length > RECORD_LIMITS.authors || authors.some((name) => name.length > RECORD_LIMITS.authorChars))) {
    const kept = authors.slice(0, RECORD_LIMITS.authors).filter((name) => name.length <= RECORD_LIMITS.authorChars);
    warnings.push({
      field: 'authors',
      reason: `kept ${fmt(kept.length)} of ${fmt(authors.length)} names (at most ${fmt(RECORD_LIMITS.authors)}, each at most ${RECORD_LIMITS.authorChars} characters); the count stays ${fmt(authorsCount ?? authors.length)}`,
    });
    authors = kept.length > 0 ? kept : null;
  }
  // Explicit links win; the abstract only fills the gaps (first link of each kind).
  const found = findLinks(abstract);
  return {
    ok: true,
    warnings,
    record: {
      id,
      title,
      abstract,
      authors,
      authors_count: authorsCount,
      published: fields.published ?? null,
      updated: fields.updated ?? null,
      categories: fields.categories ?? null,
      doi: fields.doi ?? null,
      upvotes: fields.upvotes ?? null,
      url: fields.url ?? null,
      github_url: fields.github_url ?? found.github_url,
      project_url: fields.project_url ?? found.project_url,
      extra: boundedExtra(fields.extra ?? {}, warnings),
    },
  };
}
