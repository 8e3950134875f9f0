// The tuning defaults, declared once: config.ts takes them as the defaults of its PAPERSEEK_*
// settings, the search and store modules as their built-in options, scripts and tests as the
// parameters they build indexes with. Plain data, no imports (the lowest layer).

/** HNSW graph degree, build breadth and search breadth (PAPERSEEK_HNSW_M, _EF_CONSTRUCTION, _EF). */
export const DEFAULT_HNSW = Object.freeze({ M: 16, efConstruction: 200, ef: 64 });

/** Reciprocal rank fusion: the RRF constant and each side's weight (PAPERSEEK_RRF_K, PAPERSEEK_WEIGHT_*). */
export const DEFAULT_FUSION = Object.freeze({ rrfK: 60, weights: Object.freeze({ semantic: 1, keyword: 1 }) });

/**
 * BM25 parameters and how much a title match counts against an abstract match (PAPERSEEK_BM25_*,
 * PAPERSEEK_TITLE_WEIGHT): Robertson's and Lucene's defaults (k1 1.2, b 0.75), not fitted. The title
 * weight was measured (README, "Keyword ranking"): 1, 1.5, 2, 3 on SciFact and the public queries; both peak at 2–3.
 */
export const DEFAULT_BM25 = Object.freeze({ k1: 1.2, b: 0.75, titleWeight: 2 });

/** Candidates each side contributes to hybrid fusion (PAPERSEEK_HYBRID_DEPTH). */
export const DEFAULT_HYBRID_DEPTH = 100;

/** Query-embedding LRU entries (PAPERSEEK_QUERY_CACHE_SIZE; 0 disables the cache). */
export const DEFAULT_QUERY_CACHE_SIZE = 1000;

/** MiB of decoded keyword postings kept in memory (PAPERSEEK_POSTINGS_CACHE_MB): only what queries use is held. */
export const DEFAULT_POSTINGS_CACHE_MB = 1024;
export const DEFAULT_POSTINGS_CACHE_BYTES = DEFAULT_POSTINGS_CACHE_MB * 2 ** 20;
