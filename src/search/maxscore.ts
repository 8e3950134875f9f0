// Exact top k by MaxScore (Turtle & Flood 1995) over windows of rows, the way Lucene's
// MaxScoreBulkScorer does it: rows are visited in ascending order a window at a time; in each
// window the terms whose bounds there (./term-impacts.ts) add up to no more than the k-th best
// score so far are "non-essential": a row only they match cannot enter the top k. The essential
// terms' postings in the window are added into a small dense accumulator; each row they touched is
// then completed with the non-essential terms, strongest first, until its bound falls to the
// threshold. Rows come in ascending order, so a row that only ties the k-th best loses the tie
// (ties go to the smaller row) and is pruned too. Scores are whole units (SCORE_UNITS): sums are
// exact, and the result is the exhaustive ranking's top k, same scores, same order.
import { lowerBound } from '../store/fts5-postings.ts';
import type { TermImpacts } from './term-impacts.ts';
import { TopK } from './top-k.ts';

export interface WindowTerm {
  rows: Int32Array;
  impacts: TermImpacts;
  /** Score units per unit of frequency part: idf × query count × SCORE_UNITS. */
  scale: number;
}

export interface WindowedTopK {
  top: TopK;
  /** Postings whose contribution was added. */
  scored: number;
  /** Rows offered to the top k: those the filter accepted (every survivor without a filter). */
  accepted: number;
}

/** Rows per window: 2^12 keeps the accumulator (32 KiB) in the CPU's cache. */
export const DEFAULT_WINDOW_BITS = 12;

export class WindowedMaxScore {
  private readonly accumulator: Float64Array;
  private readonly marks: Uint32Array;
  /** A window's surviving rows and their scores (drain). */
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;

  constructor(readonly windowBits: number = DEFAULT_WINDOW_BITS) {
    this.accumulator = new Float64Array(1 << windowBits);
    this.marks = new Uint32Array(Math.max(1, (1 << windowBits) >>> 5));
    this.rows = new Int32Array(1 << windowBits);
    this.scores = new Float64Array(1 << windowBits);
  }

  /**
   * `accept`: a filter asked, once per window, about the rows that can still enter the top k; only
   * the rows it keeps are ranked, so the k-th best (the threshold) is the k-th best passing row.
   */
  topK(terms: readonly WindowTerm[], depth: number, accept?: (rows: number[]) => ReadonlySet<number>): WindowedTopK {
    const { accumulator, marks, windowBits } = this;
    const n = terms.length;
    const top = new TopK(depth);
    let windows = 0;
    for (const term of terms) windows = Math.max(windows, term.impacts.windowMax.length);
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    const bound = new Float64Array(n);
    // Terms by their bound in the window, weakest first: order[0…essentialFrom) are non-essential.
    const order = new Int32Array(n);
    let scored = 0;
    let accepted = 0;
    let threshold = -Infinity;

    for (let window = 0; window < windows; window++) {
      let windowBound = 0;
      for (let t = 0; t < n; t++) {
        const { impacts, scale, rows } = terms[t]!;
        const inRange = window < impacts.windowMax.length;
        start[t] = inRange ? impacts.starts[window]! : rows.length;
        end[t] = inRange ? impacts.starts[window + 1]! : rows.length;
        bound[t] = start[t]! < end[t]! ? Math.round(scale * impacts.windowMax[window]!) : 0;
        windowBound += bound[t]!;
      }
      if (windowBound <= threshold) continue;
      sortByBound(order, bound);
      let essentialFrom = 0;
      let weak = 0; // the most the non-essential terms can add together
      while (essentialFrom < n && weak + bound[order[essentialFrom]!]! <= threshold) weak += bound[order[essentialFrom++]!]!;

      const base = window << windowBits;
      for (let k = essentialFrom; k < n; k++) {
        const t = order[k]!;
        const { rows, impacts, scale } = terms[t]!;
        const values = impacts.values;
        for (let i = start[t]!; i < end[t]!; i++) {
          const slot = rows[i]! - base;
          accumulator[slot]! += Math.round(scale * values[i]!);
          marks[slot >>> 5]! |= 1 << (slot & 31);
        }
        scored += end[t]! - start[t]!;
      }

      // The rows the essential terms touched that can still enter: completed term by term with
      // the non-essential ones, strongest first, dropping each row once its bound falls to the
      // threshold. A term is walked over its postings in the window while that is shorter than the
      // live rows, else looked up per live row.
      let rest = weak;
      let live = this.keep(rest, threshold);
      for (let k = essentialFrom - 1; k >= 0 && live > 0; k--) {
        const t = order[k]!;
        rest -= bound[t]!;
        const { rows, impacts, scale } = terms[t]!;
        const values = impacts.values;
        if (end[t]! - start[t]! <= live * 2) {
          for (let i = start[t]!; i < end[t]!; i++) {
            const slot = rows[i]! - base;
            if ((marks[slot >>> 5]! & (1 << (slot & 31))) === 0) continue;
            accumulator[slot]! += Math.round(scale * values[i]!);
            scored++;
          }
        } else {
          let at = start[t]!;
          for (let word = 0; word < marks.length; word++) {
            let bits = marks[word]!;
            while (bits !== 0) {
              const slot = (word << 5) | (31 - Math.clz32(bits & -bits));
              bits &= bits - 1;
              at = gallop(rows, base + slot, at, end[t]!);
              if (at === end[t]!) break;
              if (rows[at] !== base + slot) continue;
              accumulator[slot]! += Math.round(scale * values[at]!);
              scored++;
            }
            if (at === end[t]!) break;
          }
        }
        live = this.keep(rest, threshold);
      }
      // The survivors into the top k (those the filter accepts, asked once for the window).
      const survivors = this.drain(base);
      const passing = accept && survivors > 0 ? accept(Array.from(this.rows.subarray(0, survivors))) : undefined;
      for (let i = 0; i < survivors; i++) {
        const row = this.rows[i]!;
        if (passing && !passing.has(row)) continue;
        top.offer(row, this.scores[i]!);
        accepted++;
      }
      threshold = top.threshold;
    }
    return { top, scored, accepted };
  }

  /** The marked rows and their scores into `rows`/`scores`, ascending; leaves the window clear. Returns how many. */
  private drain(base: number): number {
    const { accumulator, marks, rows, scores } = this;
    let count = 0;
    for (let word = 0; word < marks.length; word++) {
      let bits = marks[word]!;
      if (bits === 0) continue;
      marks[word] = 0;
      while (bits !== 0) {
        const slot = (word << 5) | (31 - Math.clz32(bits & -bits));
        bits &= bits - 1;
        rows[count] = base + slot;
        scores[count++] = accumulator[slot]!;
        accumulator[slot] = 0;
      }
    }
    return count;
  }

  /**
   * Drops the marked rows whose score plus `rest` cannot beat the threshold (clearing their
   * accumulator slots); returns how many are left.
   */
  private keep(rest: number, threshold: number): number {
    const { accumulator, marks } = this;
    let live = 0;
    for (let word = 0; word < marks.length; word++) {
      let bits = marks[word]!;
      if (bits === 0) continue;
      let kept = bits;
      while (bits !== 0) {
        const low = bits & -bits;
        bits &= bits - 1;
        const slot = (word << 5) | (31 - Math.clz32(low));
        if (accumulator[slot]! + rest <= threshold) {
          kept &= ~low;
          accumulator[slot] = 0;
        } else live++;
      }
      marks[word] = kept;
    }
    return live;
  }
}

/** `order` ← 0…n−1 by ascending bound (insertion sort: queries have a few dozen terms at most). */
function sortByBound(order: Int32Array, bound: Float64Array): void {
  for (let i = 0; i < order.length; i++) {
    const b = bound[i]!;
    let j = i;
    while (j > 0 && bound[order[j - 1]!]! > b) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
}

/** First index in [from, to) with rows[index] ≥ row (or `to`): exponential steps, then binary search. */
export function gallop(rows: Int32Array, row: number, from: number, to: number): number {
  let step = 1;
  let lo = from;
  let hi = from;
  while (hi < to && rows[hi]! < row) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  return lowerBound(rows, row, lo, Math.min(hi, to));
}
