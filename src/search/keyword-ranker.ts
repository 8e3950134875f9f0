// Exact top-k BM25F over a term-at-a-time accumulator, with MaxScore pruning (Turtle & Flood 1995):
// terms are taken from the highest possible contribution (rare words) down; once the sum of what
// the remaining terms could still add is below the k-th best score so far, no document they alone
// match can enter the top k, so they are only looked up for the documents already scored whose
// score can still reach it. Common words then cost a binary search per candidate instead of a pass
// over hundreds of thousands of postings. The result is the exhaustive ranking's top k, same
// scores, same order (ties by label): test/search/keyword-ranker.test.ts compares them.
import type { Postings } from '../store/fts5-postings.ts';
import { lowerBound } from '../store/fts5-postings.ts';
import type { Neighbour } from '../store/vector-index.ts';
import { Bm25fScorer, type Bm25Options, type FieldStatistics } from './bm25.ts';

/** What the ranker reads: statistics and postings of one consistent state of the index. */
export interface KeywordSource extends FieldStatistics {
  /** One past the largest row, for sizing accumulators. */
  rowLimit: number;
  postings(term: string): Postings;
}

export interface QueryTerm {
  term: string;
  /** How often the query says it. */
  count: number;
}

export interface KeywordRanking {
  /** Best first: [label, score]. */
  hits: Neighbour[];
  /** Matching documents: exact when `exact`, else a lower bound. */
  total: number;
  exact: boolean;
  /** Postings pruning did not score (0 when every posting was scored). */
  skipped: number;
}

/** Below this many matches the count is made exact even when pruning skipped postings. */
export const EXACT_TOTAL_UNDER = 10_000;

interface ScoredTerm {
  postings: Postings;
  /** idf × query count. */
  weight: number;
  /** The most this term can add to a document's score. */
  upper: number;
}

/** Reusable accumulators: one per ranker, sized to the index's rows. */
class Accumulators {
  scores = new Float64Array(0);
  stamps = new Uint32Array(0);
  touched = new Int32Array(0);
  size = 0;
  private stamp = 0;

  begin(rowLimit: number): void {
    if (this.scores.length < rowLimit) {
      const capacity = Math.max(rowLimit, Math.ceil(this.scores.length * 1.5));
      this.scores = new Float64Array(capacity);
      this.stamps = new Uint32Array(capacity);
      this.stamp = 0;
    }
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 0;
    }
    this.stamp++;
    this.size = 0;
  }

  add(row: number, score: number): void {
    if (this.stamps[row] !== this.stamp) {
      this.stamps[row] = this.stamp;
      this.scores[row] = score;
      if (this.size === this.touched.length) {
        const grown = new Int32Array(Math.max(1024, this.touched.length * 2));
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.size++] = row;
    } else {
      this.scores[row]! += score;
    }
  }
}

export class KeywordRanker {
  private readonly accumulators = new Accumulators();

  constructor(private readonly options: Bm25Options) {}

  /**
   * The `depth` best documents for the terms. `prune: false` scores every posting (the reference
   * the pruned ranking is tested against). `passes` keeps only documents a filter accepts; the
   * filtered path scores exhaustively and asks the filter about the best documents first.
   */
  rank(
    source: KeywordSource,
    query: readonly QueryTerm[],
    depth: number,
    {
      prune = true,
      passes,
      exactTotalUnder = EXACT_TOTAL_UNDER,
    }: { prune?: boolean; passes?: (labels: number[]) => Set<number>; exactTotalUnder?: number } = {},
  ): KeywordRanking {
    const scorer = new Bm25fScorer(this.options, source);
    const terms = this.prepare(source, scorer, query);
    const acc = this.accumulators;
    acc.begin(source.rowLimit);
    if (terms.length === 0 || depth <= 0) return { hits: [], total: terms.length === 0 ? 0 : this.unionSize(terms), exact: true, skipped: 0 };

    // suffix[i]: the most terms i… can add together.
    const suffix = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + terms[i]!.upper;
    const pruning = prune && !passes;
    let threshold = -Infinity;
    let next = 0;
    for (; next < terms.length; next++) {
      if (pruning && below(suffix[next]!, threshold)) break;
      this.scoreAll(terms[next]!, scorer);
      if (pruning) threshold = kthBest(acc.scores, acc.touched, acc.size, depth);
    }
    let skipped = 0;
    if (next < terms.length) skipped = this.scoreCandidates(terms, next, suffix, threshold, depth, scorer);

    if (passes) return { ...this.filtered(depth, passes, exactTotalUnder), skipped };
    const hits = topK(acc.scores, acc.touched, acc.size, depth);
    if (next === terms.length) return { hits, total: acc.size, exact: true, skipped };
    const lowerBound = Math.max(acc.size, ...terms.map((term) => term.postings.rows.length));
    if (lowerBound >= exactTotalUnder) return { hits, total: lowerBound, exact: false, skipped };
    return { hits, total: this.unionSize(terms), exact: true, skipped };
  }

  private prepare(source: KeywordSource, scorer: Bm25fScorer, query: readonly QueryTerm[]): ScoredTerm[] {
    const terms: ScoredTerm[] = [];
    for (const { term, count } of query) {
      const postings = source.postings(term);
      if (postings.rows.length === 0) continue;
      const weight = scorer.idf(postings.rows.length) * count;
      terms.push({ postings, weight, upper: weight * scorer.saturation });
    }
    // Highest bound first; equal bounds by size so the order (and float sums) never depend on input order.
    return terms.sort((a, b) => b.upper - a.upper || a.postings.rows.length - b.postings.rows.length);
  }

  private scoreAll({ postings, weight }: ScoredTerm, scorer: Bm25fScorer): void {
    const { rows, counts } = postings;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      this.accumulators.add(row, weight * scorer.frequencyPart(row, counts, i));
    }
  }

  /**
   * Terms from `next` on, for the documents already scored that can still reach the threshold.
   * Returns how many of their postings were not scored.
   */
  private scoreCandidates(terms: ScoredTerm[], next: number, suffix: Float64Array, threshold: number, depth: number, scorer: Bm25fScorer): number {
    const acc = this.accumulators;
    let skipped = 0;
    let candidates = acc.touched.slice(0, acc.size).filter((row) => !below(acc.scores[row]! + suffix[next]!, threshold));
    candidates.sort();
    for (let t = next; t < terms.length; t++) {
      const { postings, weight } = terms[t]!;
      const { rows, counts } = postings;
      let from = 0;
      let scored = 0;
      for (const row of candidates) {
        from = lowerBound(rows, row, from);
        if (from === rows.length) break;
        if (rows[from] !== row) continue;
        acc.scores[row]! += weight * scorer.frequencyPart(row, counts, from);
        scored++;
      }
      skipped += rows.length - scored;
      threshold = Math.max(threshold, kthBest(acc.scores, candidates, candidates.length, depth));
      const rest = suffix[t + 1]!;
      candidates = candidates.filter((row) => !below(acc.scores[row]! + rest, threshold));
    }
    return skipped;
  }

  /** Best documents the filter accepts: the filter is asked about growing prefixes of the ranking. */
  private filtered(depth: number, passes: (labels: number[]) => Set<number>, exactTotalUnder: number): Omit<KeywordRanking, 'skipped'> {
    const acc = this.accumulators;
    const hits: Neighbour[] = [];
    let asked = 0;
    let passing = 0;
    for (let take = Math.max(depth * 4, 256); ; take *= 4) {
      const ranked = topK(acc.scores, acc.touched, acc.size, take);
      const batch = ranked.slice(asked);
      const accepted = passes(batch.map(([label]) => label));
      for (const hit of batch) {
        if (!accepted.has(hit[0])) continue;
        passing++;
        if (hits.length < depth) hits.push(hit);
      }
      asked = ranked.length;
      if (asked === acc.size) return { hits, total: passing, exact: true };
      if (hits.length >= depth && asked >= exactTotalUnder) return { hits, total: passing, exact: false };
    }
  }

  private unionSize(terms: ScoredTerm[]): number {
    const acc = this.accumulators;
    for (const { postings } of terms) for (const row of postings.rows) acc.add(row, 0);
    return acc.size;
  }
}

/**
 * True when a score bound cannot reach the threshold. The bound is padded by a relative 1e-9 so
 * rounding in the sums never prunes a document that ties or beats it.
 */
function below(bound: number, threshold: number): boolean {
  return bound * (1 + 1e-9) < threshold;
}

/** The k-th highest score among the rows (−∞ when fewer than k). */
function kthBest(scores: Float64Array, rows: Int32Array, count: number, k: number): number {
  if (count < k) return -Infinity;
  const best = topK(scores, rows, count, k);
  return best[best.length - 1]![1];
}

/** The k best rows by score, ties by smaller row first; a bounded min-heap over the candidates. */
export function topK(scores: Float64Array, rows: Int32Array, count: number, k: number): Neighbour[] {
  const size = Math.min(k, count);
  if (size <= 0) return [];
  const heap = new Int32Array(size);
  let filled = 0;
  // "a ranks below b": lower score, or equal score and larger row.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= filled) return;
      const right = left + 1;
      const child = right < filled && worse(heap[right]!, heap[left]!) ? right : left;
      if (!worse(heap[child]!, heap[i]!)) return;
      [heap[i], heap[child]] = [heap[child]!, heap[i]!];
      i = child;
    }
  };
  for (let n = 0; n < count; n++) {
    const row = rows[n]!;
    if (filled < size) {
      heap[filled] = row;
      let i = filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (worse(heap[0]!, row)) {
      heap[0] = row;
      siftDown(0);
    }
  }
  const out: Neighbour[] = Array.from(heap, (row) => [row, scores[row]!]);
  return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
