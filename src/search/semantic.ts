// Vector retrieval with filters that still returns k results whenever k papers pass.
// Strategy by how many papers pass the filter (P of N):
//   - no filter: plain HNSW search;
//   - P ≤ EXACT_SCAN_MAX: exact cosine scan over the passing papers' stored vectors (cheap and
//     exact; HNSW would have to wander through mostly-rejected neighbours);
//   - otherwise: HNSW over-fetch, sized by the pass rate, candidates filtered in one SQL query;
//     the fetch doubles until enough pass, ending in an exact scan if the graph cannot supply them.
import type { PaperFilter } from '../store/filters.ts';
import { isEmptyFilter } from '../store/filters.ts';
import type { PaperReader } from '../store/paper-store.ts';
import type { Neighbour } from '../store/vector-index.ts';
import { dot, norm } from './vectors.ts';

export const EXACT_SCAN_MAX = 2048;

export function semanticCandidates(store: PaperReader, query: Float32Array, need: number, filter?: PaperFilter, exactScanMax = EXACT_SCAN_MAX): Neighbour[] {
  if (!filter || isEmptyFilter(filter)) return store.nearest(query, need);
  const passing = store.countWithVectors(filter);
  const wanted = Math.min(need, passing);
  if (wanted === 0) return [];
  if (passing <= exactScanMax) return exactScan(store.vectorsPassing(filter), query, wanted);

  const total = store.countWithVectors();
  let fetch = Math.ceil(((wanted * total) / passing) * 1.5) + 10;
  for (;;) {
    const candidates = store.nearest(query, fetch, undefined, fetch);
    const accepted = store.labelsPassing(
      candidates.map(([label]) => label),
      filter,
    );
    const found = candidates.filter(([label]) => accepted.has(label));
    if (found.length >= wanted) return found.slice(0, wanted);
    if (fetch >= total) return exactScan(store.vectorsPassing(filter), query, wanted);
    fetch = Math.min(fetch * 2, total);
  }
}

/** Top `k` by cosine similarity, best first, ties by label. */
export function exactScan(vectors: Iterable<{ label: number; vector: Float32Array }>, query: Float32Array, k: number): Neighbour[] {
  const queryNorm = norm(query);
  const scored: Neighbour[] = [];
  for (const { label, vector } of vectors) {
    const denominator = norm(vector) * queryNorm;
    scored.push([label, denominator > 0 ? dot(vector, query) / denominator : 0]);
  }
  return scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
}
