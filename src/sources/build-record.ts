// Turning already-validated fields into a PaperRecord, the same way for every source:
// whitespace clean-up, the title-slug id fallback and links read out of the abstract.

import { normalizeSpace } from './fields.ts';
import { findLinks } from './links.ts';
import type { PaperRecord } from './record.ts';
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

export type BuildResult =
  | { ok: true; record: PaperRecord }
  | { ok: false; field: string; reason: string };

/**
 * Build the record. Titles are whitespace-normalised like abstracts: a newline inside
 * a title is a source artefact, and it would show up in every search result.
 * Fails only when no id is given and the title has nothing to slug (e.g. non-Latin script).
 */
export function buildRecord(fields: RecordFields): BuildResult {
  const title = normalizeSpace(fields.title);
  const abstract = normalizeSpace(fields.abstract);
  const givenId = fields.id?.trim() ?? '';
  const id = givenId !== '' ? givenId : titleSlug(title);
  if (id === '') {
    return {
      ok: false,
      field: 'id',
      reason: `no id given and the title "${title}" has no a-z/0-9 characters to build one from; add an id`,
    };
  }
  // Explicit links win; the abstract only fills the gaps (first link of each kind).
  const found = findLinks(abstract);
  return {
    ok: true,
    record: {
      id,
      title,
      abstract,
      authors: fields.authors ?? null,
      authors_count: fields.authors_count ?? fields.authors?.length ?? null,
      published: fields.published ?? null,
      updated: fields.updated ?? null,
      categories: fields.categories ?? null,
      doi: fields.doi ?? null,
      upvotes: fields.upvotes ?? null,
      url: fields.url ?? null,
      github_url: fields.github_url ?? found.github_url,
      project_url: fields.project_url ?? found.project_url,
      extra: fields.extra ?? {},
    },
  };
}
