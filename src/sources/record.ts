// The paper record every source produces and every later stage consumes.
// Plain data: no behaviour, no zod (the input schema lives in ./json-records.ts).

export interface PaperRecord {
  /** Stable id: given by the source, or the title slug (see ./slug.ts). */
  id: string;
  title: string;
  abstract: string;
  /** Author names when the source lists them; null when it only gives a count or nothing. */
  authors: string[] | null;
  authors_count: number | null;
  /** ISO date `YYYY-MM-DD`, or null when the source has none. */
  published: string | null;
  upvotes: number | null;
  url: string | null;
  github_url: string | null;
  project_url: string | null;
  /** Any other fields of a JSON record, kept verbatim so nothing a user supplied is lost. */
  extra: Record<string, unknown>;
}

/** A record that could not be used, reported with enough detail to fix the input. */
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

export interface ReadOptions {
  /** Year a page dump was captured; dates printed without a year belong to it. */
  capturedYear?: number;
}
