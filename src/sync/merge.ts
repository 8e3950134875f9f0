// One paper seen by two sources is one paper: ids are canonical arXiv ids, so a synced record
// meets the stored one, and the two are merged field by field instead of the newer replacing the
// older. The richer record (more bibliographic fields filled: arXiv's categories, DOI, update
// date… against Hugging Face's copy of title and abstract) decides the fields both have; the
// other fills what it lacks. Upvotes, and the GitHub / project links HF curates, come from HF.
import type { PaperRecord } from '../sources/record.ts';

/** Where a synced record comes from: HF gives upvotes and curated links, arXiv the bibliography. */
export type SourceKind = 'hf' | 'arxiv';

const BIBLIOGRAPHIC = ['title', 'abstract', 'authors', 'authors_count', 'published', 'updated', 'categories', 'doi', 'url'] as const;

const filled = (value: unknown): boolean => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

const richness = (record: PaperRecord): number => BIBLIOGRAPHIC.filter((field) => filled(record[field])).length;

/**
 * The record to store for `incoming` from a source of `kind`, given what is stored under its id.
 * Merging the same record again gives the same result, so a re-sync changes nothing.
 */
export function mergeRecord(stored: PaperRecord | undefined, incoming: PaperRecord, kind: SourceKind): PaperRecord {
  if (!stored) return incoming;
  // Ties go to the incoming record: the same source again (a new arXiv version, new HF counts) wins.
  const [winner, other] = richness(incoming) >= richness(stored) ? [incoming, stored] : [stored, incoming];
  const merged: PaperRecord = { ...winner, extra: { ...stored.extra, ...incoming.extra } };
  for (const field of BIBLIOGRAPHIC) {
    if (!filled(merged[field]) && filled(other[field])) (merged as unknown as Record<string, unknown>)[field] = other[field];
  }
  // HF is where upvotes live and where links are curated (arXiv's are only found in the abstract).
  const [hf, arxiv] = kind === 'hf' ? [incoming, stored] : [stored, incoming];
  merged.upvotes = hf.upvotes ?? arxiv.upvotes;
  merged.github_url = hf.github_url ?? arxiv.github_url;
  merged.project_url = hf.project_url ?? arxiv.project_url;
  merged.id = stored.id;
  return merged;
}
