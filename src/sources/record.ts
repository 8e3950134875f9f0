// The paper record every source produces and every later stage consumes, and the shapes in which
// readers hand records (or the reasons they could not) to ingest. Plain data: no behaviour.

export interface PaperRecord {
  /** Stable id: the arXiv id when the source knows it, else the source's own id, else the title slug. */
  id: string;
  title: string;
  abstract: string;
  /** Author names when the source lists them; null when it only gives a count or nothing. */
  authors: string[] | null;
  authors_count: number | null;
  /** ISO date `YYYY-MM-DD` of first publication (arXiv: first version), or null when unknown. */
  published: string | null;
  /** ISO date `YYYY-MM-DD` of the last update (arXiv: update_date), or null. */
  updated: string | null;
  /** Subject categories as the source spells them (arXiv `cs.LG`, HF/S2 fields of study…), or null. */
  categories: string[] | null;
  /** DOI without the `https://doi.org/` prefix, or null. */
  doi: string | null;
  upvotes: number | null;
  url: string | null;
  github_url: string | null;
  project_url: string | null;
  /** Any other fields of the source record worth keeping (journal-ref, citation counts…). */
  extra: Record<string, unknown>;
}

/** Why a field could not be used: the record is skipped (required field) or the field dropped (optional). */
export interface FieldProblem {
  field: string;
  reason: string;
}

/**
 * What a reader yields for each record it finds, in file order. `line` is the 1-based line where
 * the record starts in its (decompressed) file, so every message points at the place to fix.
 */
export type SourceEntry =
  | {
      ok: true;
      line: number;
      record: PaperRecord;
      /** Optional fields that could not be read and were dropped; the record is kept. */
      warnings: FieldProblem[];
    }
  | {
      ok: false;
      line: number;
      /** The record is skipped; at least one problem. */
      problems: FieldProblem[];
      /** The record as the source had it (JSON value, CSV row…), for the skip report; may be absent. */
      raw?: unknown;
    };

/** A record that could not be used (or a field dropped), reported with enough detail to fix the input. */
export interface SourceProblem {
  file: string;
  /** 1-based line where the record starts. */
  line: number;
  field: string;
  reason: string;
}

export interface SourceResult {
  records: PaperRecord[];
  problems: SourceProblem[];
  /** Human-readable remarks worth showing the user (e.g. which year yearless dates were given). */
  notes: string[];
}

/** The fields a source may hold under another column or key name (`--map field=column`). */
export const MAPPABLE_FIELDS = [
  'id',
  'title',
  'abstract',
  'authors',
  'published',
  'updated',
  'categories',
  'doi',
  'url',
  'github_url',
  'project_url',
  'upvotes',
] as const;

export interface ReadOptions {
  /** Year a page dump was captured; dates printed without a year belong to it. */
  capturedYear?: number;
  /** Force a format instead of detecting it from the content (see ./formats.ts). */
  format?: string;
  /** CSV/TSV (and generic JSON): paperseek field → the source's column/key name (`--map abstract=summary`). */
  fieldMap?: Record<string, string>;
}

/** What a record mapper returns for one source record, before the reader adds its line. */
export type MappedRecord = { ok: true; record: PaperRecord; warnings: FieldProblem[] } | { ok: false; problems: FieldProblem[]; raw?: unknown };
