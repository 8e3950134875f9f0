// What ranking keeps of a query term for one state of the index: each posting's frequency part of
// the BM25F score, and per window of rows where the term's postings start and the largest part
// among them (the per-block maxima of block-max MaxScore/WAND, Ding & Suel 2011), so a window whose
// terms cannot reach the k-th best score is skipped and a term weak in a window is only looked up.
import type { Postings } from '../store/fts5-postings.ts';
import type { Bm25fScorer } from './bm25.ts';

/**
 * Scores are counted in units of 2⁻²⁴: each term's contribution is rounded to a whole number of
 * units, so sums are exact in any order and a document scored window by window, terms in any
 * order, gets the very number the exhaustive ranking gives it (rounding moves a score by < 1e-7).
 */
export const SCORE_UNITS = 2 ** 24;

export interface TermImpacts {
  /** Per posting, the frequency part (float32: the values are stored, and must compare equal when recomputed). */
  values: Float32Array;
  max: number;
  /** log2 of the rows per window. */
  windowBits: number;
  /** Index of the first posting at or after each window's first row; one more entry than windows. */
  starts: Int32Array;
  /** Per window, the largest value among its postings (0 when it has none). */
  windowMax: Float32Array;
}

export function termImpacts(postings: Postings, scorer: Bm25fScorer, windowBits: number): TermImpacts {
  const { rows, counts } = postings;
  const windows = rows.length === 0 ? 0 : (rows[rows.length - 1]! >>> windowBits) + 1;
  const values = new Float32Array(rows.length);
  const starts = new Int32Array(windows + 1);
  const windowMax = new Float32Array(windows);
  let max = 0;
  let unset = 0; // the first window whose start is not known yet
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const window = row >>> windowBits;
    while (unset <= window) starts[unset++] = i;
    const value = scorer.frequencyPart(row, counts, i);
    values[i] = value;
    if (value > max) max = value;
    if (value > windowMax[window]!) windowMax[window] = value;
  }
  starts[windows] = rows.length;
  return { values, max, windowBits, starts, windowMax };
}
