// Exact top-k BM25F. Unfiltered queries go through MaxScore by windows of rows (./maxscore.ts):
// rare words' postings are scored, common words only looked up for the rows that can still enter
// the top k. Filtered queries and the reference ranking score every posting (term at a time into
// an accumulator over all rows). Both add the same whole-unit contributions (./term-impacts.ts), so
// the pruned ranking is the exhaustive one: same scores, same order, ties by label
// (test/search/keyword-ranker.test.ts compares them on random queries).
import type { Postings } from '../store/fts5-postings.ts';
import type { Neighbour } from '../store/vector-index.ts';
import { Bm25fScorer, type Bm25Options, type FieldStatistics } from './bm25.ts';
import { DEFAULT_WINDOW_BITS, WindowedMaxScore, type WindowTerm } from './maxscore.ts';
import { SCORE_UNITS, termImpacts, type TermImpacts } from './term-impacts.ts';
import { topK } from './top-k.ts';

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

  /** Adds to the row's score (starting it at 0 the first time this query sees it). */
  add(row: number, score: number): void {
    if (this.stamps[row] === this.stamp) {
      this.scores[row]! += score;
      return;
    }
    this.stamps[row] = this.stamp;
    this.scores[row] = score;
    if (this.size === this.touched.length) {
      const grown = new Int32Array(Math.max(1024, this.touched.length * 2));
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.size++] = row;
  }
}

interface ScoredTerm extends WindowTerm {
  postings: Postings;
}

export class KeywordRanker {
  private readonly accumulators = new Accumulators();
  private readonly maxScore: WindowedMaxScore;
  private scorer: { stamp: object; scorer: Bm25fScorer; impacts: WeakMap<Postings, TermImpacts> } | undefined;

  /** `windowBits`: log2 of the rows per MaxScore window (tests use small windows on small corpora). */
  constructor(
    private readonly options: Bm25Options,
    { windowBits = DEFAULT_WINDOW_BITS }: { windowBits?: number } = {},
  ) {
    this.maxScore = new WindowedMaxScore(windowBits);
  }

  /**
   * The scorer for this state of the index, and the impacts computed with it: a term's postings
   * scored once (4 bytes a posting, freed with the postings) are read in order afterwards instead
   * of looking up two length norms at random per posting, which dominated the time.
   */
  private scorerFor(source: KeywordSource): { scorer: Bm25fScorer; impacts: WeakMap<Postings, TermImpacts> } {
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
   * the pruned ranking is tested against). `passes` keeps only documents a filter accepts.
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
    const terms = this.prepare(source, query);
    if (terms.length === 0) return { hits: [], total: 0, exact: true, skipped: 0 };
    const postings = terms.reduce((sum, term) => sum + term.rows.length, 0);
    if (prune && !passes) {
      const { top, scored } = this.maxScore.topK(terms, Math.max(0, depth));
      return { hits: top.sorted(1 / SCORE_UNITS), ...this.total(terms, source.rowLimit, exactTotalUnder), skipped: postings - scored };
    }
    // Filtered, with fewer postings than the cap: every match is scored and the filter asked about
    // the best first, so the count of passing matches is exact. Beyond it, the filter is asked per
    // window about the rows that can still enter; the count is then a lower bound, unless the top k
    // never filled (nothing was pruned, every match was asked).
    if (prune && passes && postings >= exactTotalUnder) {
      const { top, scored, accepted } = this.maxScore.topK(terms, Math.max(0, depth), passes);
      return { hits: top.sorted(1 / SCORE_UNITS), total: accepted, exact: top.size < depth, skipped: postings - scored };
    }
    this.scoreAll(terms, source.rowLimit);
    const acc = this.accumulators;
    if (passes) return { ...this.filtered(depth, passes, exactTotalUnder), skipped: 0 };
    return { hits: topK(acc.scores, acc.touched, acc.size, depth, 1 / SCORE_UNITS), total: acc.size, exact: true, skipped: 0 };
  }

  private prepare(source: KeywordSource, query: readonly QueryTerm[]): ScoredTerm[] {
    const { scorer, impacts: known } = this.scorerFor(source);
    const terms: ScoredTerm[] = [];
    for (const { term, count } of query) {
      const postings = source.postings(term);
      if (postings.rows.length === 0) continue;
      let impacts = known.get(postings);
      if (!impacts) {
        impacts = termImpacts(postings, scorer, this.maxScore.windowBits);
        known.set(postings, impacts);
      }
      terms.push({ postings, rows: postings.rows, impacts, scale: scorer.idf(postings.rows.length) * count * SCORE_UNITS });
    }
    return terms;
  }

  /** Every posting of every term into the accumulators. */
  private scoreAll(terms: readonly ScoredTerm[], rowLimit: number): void {
    const acc = this.accumulators;
    acc.begin(rowLimit);
    for (const { rows, impacts, scale } of terms) {
      const values = impacts.values;
      for (let i = 0; i < rows.length; i++) acc.add(rows[i]!, Math.round(scale * values[i]!));
    }
  }

  /**
   * Matching documents after a pruned ranking: no fewer than the longest postings list; counted
   * exactly (the union of the lists) while that is under the cap.
   */
  private total(terms: readonly ScoredTerm[], rowLimit: number, exactTotalUnder: number): { total: number; exact: boolean } {
    const longest = Math.max(...terms.map((term) => term.rows.length));
    if (terms.length === 1) return { total: longest, exact: true };
    if (longest >= exactTotalUnder) return { total: longest, exact: false };
    const acc = this.accumulators;
    acc.begin(rowLimit);
    for (const { rows } of terms) for (const row of rows) acc.add(row, 0);
    return { total: acc.size, exact: true };
  }

  /** Best documents the filter accepts: the filter is asked about growing prefixes of the ranking. */
  private filtered(depth: number, passes: (labels: number[]) => Set<number>, exactTotalUnder: number): Omit<KeywordRanking, 'skipped'> {
    const acc = this.accumulators;
    const hits: Neighbour[] = [];
    let asked = 0;
    let passing = 0;
    for (let take = Math.max(depth * 4, 256); ; take *= 4) {
      const ranked = topK(acc.scores, acc.touched, acc.size, take, 1 / SCORE_UNITS);
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
}
