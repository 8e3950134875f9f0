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
  /** The same object while the index is unchanged (the scorer's per-row norms are kept for it). */
  stamp: object;
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
  /** Each posting's frequency part of the score, once computed for this state of the index. */
  impacts: Impacts | undefined;
}

interface Impacts {
  values: Float32Array;
  max: number;
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

  /** Adds to the row's score (starting it at 0 the first time this query sees it); returns the new score. */
  add(row: number, score: number): number {
    if (this.stamps[row] !== this.stamp) {
      this.stamps[row] = this.stamp;
      this.scores[row] = score;
      if (this.size === this.touched.length) {
        const grown = new Int32Array(Math.max(1024, this.touched.length * 2));
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.size++] = row;
      return score;
    }
    return (this.scores[row]! += score);
  }

  private riserBuffer = new Int32Array(1024);

  /** A scratch array of at least `size` rows (reused: valid until the next call). */
  risers(size: number): Int32Array {
    if (this.riserBuffer.length < size) this.riserBuffer = new Int32Array(Math.max(size, this.riserBuffer.length * 2));
    return this.riserBuffer;
  }
}

export class KeywordRanker {
  private readonly accumulators = new Accumulators();
  private scorer: { stamp: object; scorer: Bm25fScorer; impacts: WeakMap<Postings, Impacts> } | undefined;

  constructor(private readonly options: Bm25Options) {}

  /**
   * The scorer for this state of the index, and the impacts computed with it: a term's postings
   * scored once (4 bytes a posting, freed with the postings) are read in order afterwards instead
   * of looking up two length norms at random per posting, which dominated the time.
   */
  private scorerFor(source: KeywordSource): { scorer: Bm25fScorer; impacts: WeakMap<Postings, Impacts> } {
    if (this.scorer?.stamp !== source.stamp) {
      this.scorer = { stamp: source.stamp, scorer: new Bm25fScorer(this.options, source, source.rowLimit), impacts: new WeakMap() };
    }
    return this.scorer;
  }

  /** Computes what ranking this state of the index needs (per-row norms) ahead of the first query. */
  warm(source: KeywordSource): void {
    this.scorerFor(source);
  }

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
    const { scorer, impacts } = this.scorerFor(source);
    const terms = this.prepare(source, scorer, impacts, query);
    const acc = this.accumulators;
    acc.begin(source.rowLimit);
    if (terms.length === 0 || depth <= 0) return { hits: [], total: terms.length === 0 ? 0 : this.unionSize(terms), exact: true, skipped: 0 };

    // suffix[i]: the most terms i… can add together.
    const suffix = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + terms[i]!.upper;
    const pruning = prune && !passes;
    let threshold = -Infinity;
    // The best `depth` rows so far. Scores only grow, so after a term the best are among the best
    // before it and the rows it lifted to the threshold or above: no pass over all touched rows.
    let best: Int32Array = new Int32Array(0);
    let next = 0;
    for (; next < terms.length; next++) {
      if (pruning && below(suffix[next]!, threshold)) break;
      const term = terms[next]!;
      const risers = this.scoreAll(term, scorer, pruning ? threshold : Infinity);
      if (pruning) {
        best = bestOf(acc.scores, best, risers, depth);
        if (best.length === depth) threshold = acc.scores[best[depth - 1]!]!;
      }
    }
    let skipped = 0;
    if (next < terms.length) ({ skipped, best } = this.scoreCandidates(terms, next, suffix, threshold, best, depth, scorer));

    if (passes) return { ...this.filtered(depth, passes, exactTotalUnder), skipped };
    const hits = pruning ? topK(acc.scores, best, best.length, depth) : topK(acc.scores, acc.touched, acc.size, depth);
    if (next === terms.length) return { hits, total: acc.size, exact: true, skipped };
    const lowerBound = Math.max(acc.size, ...terms.map((term) => term.postings.rows.length));
    if (lowerBound >= exactTotalUnder) return { hits, total: lowerBound, exact: false, skipped };
    return { hits, total: this.unionSize(terms), exact: true, skipped };
  }

  private prepare(source: KeywordSource, scorer: Bm25fScorer, known: WeakMap<Postings, Impacts>, query: readonly QueryTerm[]): ScoredTerm[] {
    const terms: ScoredTerm[] = [];
    for (const { term, count } of query) {
      const postings = source.postings(term);
      if (postings.rows.length === 0) continue;
      const weight = scorer.idf(postings.rows.length) * count;
      const impacts = known.get(postings);
      // The term's highest impact where known, else the saturation limit.
      terms.push({ postings, weight, impacts, upper: weight * (impacts ? impacts.max : scorer.saturation) });
    }
    // Rarest (highest weight) first; the order depends only on the query and the index, so pruned
    // and exhaustive rankings add the same numbers in the same order.
    return terms.sort((a, b) => b.weight - a.weight || a.postings.rows.length - b.postings.rows.length);
  }

  /** Adds the term's score to every row it occurs in; returns the rows now at `floor` or above, ascending. */
  private scoreAll(term: ScoredTerm, scorer: Bm25fScorer, floor: number): Int32Array {
    const { rows, counts } = term.postings;
    const acc = this.accumulators;
    const risers = acc.risers(rows.length);
    let count = 0;
    let values = term.impacts?.values;
    if (!values) {
      values = new Float32Array(rows.length);
      let max = 0;
      for (let i = 0; i < rows.length; i++) max = Math.max(max, (values[i] = scorer.frequencyPart(rows[i]!, counts, i)));
      this.scorer!.impacts.set(term.postings, { values, max });
    }
    const weight = term.weight;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (acc.add(row, weight * values[i]!) >= floor) risers[count++] = row;
    }
    return risers.subarray(0, count);
  }

  /**
   * Terms from `next` on, only for the rows already scored that can still reach the threshold.
   * Returns how many of their postings were not scored and the best rows.
   */
  private scoreCandidates(
    terms: ScoredTerm[],
    next: number,
    suffix: Float64Array,
    threshold: number,
    best: Int32Array,
    depth: number,
    scorer: Bm25fScorer,
  ): { skipped: number; best: Int32Array } {
    const acc = this.accumulators;
    const scores = acc.scores;
    let skipped = 0;
    let candidates = sortRows(survivors(scores, acc.touched.subarray(0, acc.size), suffix[next]!, threshold));
    for (let t = next; t < terms.length; t++) {
      const { postings, weight, impacts } = terms[t]!;
      const { rows, counts } = postings;
      const values = impacts?.values;
      const risers = acc.risers(candidates.length);
      let count = 0;
      let from = 0;
      let scored = 0;
      for (let c = 0; c < candidates.length; c++) {
        const row = candidates[c]!;
        from = gallop(rows, row, from);
        if (from === rows.length) break;
        if (rows[from] !== row) continue;
        const score = (scores[row]! += weight * (values ? values[from]! : scorer.frequencyPart(row, counts, from)));
        if (score >= threshold) risers[count++] = row;
        scored++;
      }
      skipped += rows.length - scored;
      best = bestOf(scores, best, risers.subarray(0, count), depth);
      if (best.length === depth) threshold = scores[best[depth - 1]!]!;
      candidates = survivors(scores, candidates, suffix[t + 1]!, threshold);
    }
    return { skipped, best };
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

/** The `k` best of `previous` (the best so far) and `risers` (ascending rows whose score just grew to the threshold). */
function bestOf(scores: Float64Array, previous: Int32Array, risers: Int32Array, k: number): Int32Array {
  if (risers.length === 0) return previous;
  const merged = new Int32Array(previous.length + risers.length);
  merged.set(risers);
  let size = risers.length;
  // A previous best row that rose again is among the risers already: count it once.
  for (const row of previous) {
    const at = lowerBound(risers, row);
    if (at === risers.length || risers[at] !== row) merged[size++] = row;
  }
  return Int32Array.from(topK(scores, merged, size, k), ([row]) => row);
}

/**
 * Rows (non-negative) in ascending order: an LSD radix sort, 11 bits a pass, ~5× faster than
 * TypedArray#sort on the tens of thousands of candidates a query at a million papers can have.
 */
export function sortRows(rows: Int32Array): Int32Array {
  let max = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i]! > max) max = rows[i]!;
  let from: Int32Array = rows;
  let to: Int32Array = new Int32Array(rows.length);
  const counts = new Int32Array(2048);
  for (let shift = 0; shift === 0 || max >>> shift > 0; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < from.length; i++) counts[(from[i]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < from.length; i++) {
      const row = from[i]!;
      to[counts[(row >>> shift) & 2047]!++] = row;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** The rows whose score plus `rest` can still reach the threshold. */
function survivors(scores: Float64Array, rows: Int32Array, rest: number, threshold: number): Int32Array {
  const out = new Int32Array(rows.length);
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!below(scores[row]! + rest, threshold)) out[size++] = row;
  }
  return out.subarray(0, size);
}

/** First index at or after `from` with a row ≥ `row`: exponential steps, then binary search. */
function gallop(rows: Int32Array, row: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < rows.length && rows[hi]! < row) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  return lowerBound(rows.subarray(0, Math.min(hi + 1, rows.length)), row, from);
}

/** The k best rows by score, ties by smaller row first; a bounded min-heap over the candidates. */
export function topK(scores: Float64Array, rows: Int32Array, count: number, k: number): Neighbour[] {
  const size = Math.min(k, count);
  if (size <= 0) return [];
  // Min-heap of the best so far: the root is the worst kept (lowest score, then largest row).
  const heapRows = new Int32Array(size);
  const heapScores = new Float64Array(size);
  let filled = 0;
  for (let n = 0; n < count; n++) {
    const row = rows[n]!;
    const score = scores[row]!;
    let i: number;
    if (filled < size) {
      i = filled++;
      // Sift up.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = heapScores[parent]!;
        if (ps < score || (ps === score && heapRows[parent]! > row)) break;
        heapRows[i] = heapRows[parent]!;
        heapScores[i] = ps;
        i = parent;
      }
    } else {
      const rootScore = heapScores[0]!;
      if (score < rootScore || (score === rootScore && row > heapRows[0]!)) continue;
      // Replace the root, sift down.
      i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= filled) break;
        let child = left;
        const right = left + 1;
        if (right < filled) {
          const ls = heapScores[left]!;
          const rs = heapScores[right]!;
          if (rs < ls || (rs === ls && heapRows[right]! > heapRows[left]!)) child = right;
        }
        const cs = heapScores[child]!;
        if (score < cs || (score === cs && row > heapRows[child]!)) break;
        heapRows[i] = heapRows[child]!;
        heapScores[i] = cs;
        i = child;
      }
    }
    heapRows[i] = row;
    heapScores[i] = score;
  }
  const out: Neighbour[] = Array.from(heapRows.subarray(0, filled), (row, j) => [row, heapScores[j]!]);
  return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
