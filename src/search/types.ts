// The plain data the search layer hands to the API and CLI.
import type { SearchMode } from '../contract.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { AppError } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import type { PaperFilter } from '../store/filters.ts';

/** The modes are declared in ../contract.ts (shared with the API, the CLI and the browser UI). */
export { SEARCH_MODES, type SearchMode } from '../contract.ts';

/** The embedding model, or why it could not be loaded: the server runs either way. */
export type ModelSlot = { embedder: Embedder; error?: undefined } | { embedder?: undefined; error: AppError };

export interface PageRequest {
  k: number;
  offset: number;
  filter?: PaperFilter;
}

export interface SearchRequest extends PageRequest {
  query: string;
  mode: SearchMode;
}

export interface RecommendRequest extends PageRequest {
  positive: string[];
  negative: string[];
  text?: string;
}

export interface SearchHit {
  paper: PaperRecord;
  /** The score the list is ordered by: fused (hybrid), cosine (semantic) or BM25 (keyword). */
  score: number;
  scores: { semantic: number | null; keyword: number | null; fused: number | null };
  /** 1-based rank in each side's full candidate list; null where that side did not retrieve it. */
  ranks: { semantic: number | null; keyword: number | null };
  /** HTML-escaped title and abstract snippet, matched query terms wrapped in <mark>. */
  highlights: { title: string; abstract: string };
}

export interface SearchPage {
  mode: SearchMode;
  hits: SearchHit[];
  /** How many papers the query could page through, where known. */
  total: number | null;
  /** False when `total` is a lower bound (keyword search stopped counting; see keyword-ranker.ts). */
  totalExact: boolean;
  /** True when hybrid search fell back to keyword search because the model is unavailable. */
  degraded: boolean;
  /** Why the search was degraded (the model's load error), null when it was not. */
  degradedReason: string | null;
  /** Hybrid only: the RRF constant and the side weights applied to this query. */
  fusion?: { rrfK: number; weights: { semantic: number; keyword: number } };
}
