// Reciprocal rank fusion of the semantic and keyword candidate lists:
// fused(d) = Σ_side weight_side / (rrfK + rank_side(d)), over the sides that retrieved d.
// Rank-based, so BM25 scores and cosines need no common scale.
import type { Neighbour } from '../store/vector-index.ts';

export interface FusionWeights {
  semantic: number;
  keyword: number;
}

export interface FusionOptions {
  /** The RRF constant: larger values flatten the advantage of top ranks (60 in the RRF paper). */
  rrfK: number;
  weights: FusionWeights;
}

export interface SideHit {
  score: number;
  /** 1-based rank in that side's list. */
  rank: number;
}

export interface FusedCandidate {
  label: number;
  fused: number;
  semantic: SideHit | null;
  keyword: SideHit | null;
}

// A semantic side whose best candidate barely beats its median candidate carries no ranking
// information (a degenerate or mismatched model: every vector points the same way). RRF would
// still hand its arbitrary top ranks full weight and bury good keyword results, so its weight
// shrinks linearly from full at FULL_GAP to zero at MIN_GAP (gaps in cosine similarity).
// Measured: random-weight BERT 0.006–0.009; lexical test model 0.07–0.25 (see README).
const MIN_GAP = 0.02;
const FULL_GAP = 0.05;

/** How much to trust a semantic ranking, in [0, 1], from the spread of its scores (best first). */
export function semanticConfidence(list: readonly Neighbour[]): number {
  if (list.length < 3) return 1;
  const gap = list[0]![1] - list[Math.floor(list.length / 2)]![1];
  return Math.min(1, Math.max(0, (gap - MIN_GAP) / (FULL_GAP - MIN_GAP)));
}

export function reciprocalRankFusion(semantic: readonly Neighbour[], keyword: readonly Neighbour[], options: FusionOptions): FusedCandidate[] {
  const byLabel = new Map<number, FusedCandidate>();
  const add = (list: readonly Neighbour[], side: 'semantic' | 'keyword') => {
    list.forEach(([label, score], index) => {
      const candidate = byLabel.get(label) ?? { label, fused: 0, semantic: null, keyword: null };
      candidate[side] = { score, rank: index + 1 };
      candidate.fused += options.weights[side] / (options.rrfK + index + 1);
      byLabel.set(label, candidate);
    });
  };
  add(semantic, 'semantic');
  add(keyword, 'keyword');
  // Ties (equal fused scores) go to the better single-side rank, then the label, so order is stable.
  const bestRank = (c: FusedCandidate) => Math.min(c.semantic?.rank ?? Infinity, c.keyword?.rank ?? Infinity);
  return [...byLabel.values()].sort((a, b) => b.fused - a.fused || bestRank(a) - bestRank(b) || a.label - b.label);
}
