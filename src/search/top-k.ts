// The k best rows by score, ties broken by the smaller row: a bounded min-heap whose root is the
// worst row kept, so `threshold` is the score a new row must beat once the heap is full.
import type { Neighbour } from '../store/vector-index.ts';

export class TopK {
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private filled = 0;

  constructor(private readonly k: number) {
    this.rows = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** The score to beat (a tie loses to the smaller rows kept only if the row is larger): −∞ until k rows are kept. */
  get threshold(): number {
    return this.filled === this.k && this.k > 0 ? this.scores[0]! : -Infinity;
  }

  get size(): number {
    return this.filled;
  }

  offer(row: number, score: number): void {
    const { rows, scores } = this;
    let i: number;
    if (this.filled < this.k) {
      i = this.filled++;
      // Sift up.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = scores[parent]!;
        if (ps < score || (ps === score && rows[parent]! > row)) break;
        rows[i] = rows[parent]!;
        scores[i] = ps;
        i = parent;
      }
    } else {
      if (this.k === 0) return;
      const rootScore = scores[0]!;
      if (score < rootScore || (score === rootScore && row > rows[0]!)) return;
      // Replace the root, sift down.
      i = 0;
      const filled = this.filled;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= filled) break;
        let child = left;
        const right = left + 1;
        if (right < filled) {
          const ls = scores[left]!;
          const rs = scores[right]!;
          if (rs < ls || (rs === ls && rows[right]! > rows[left]!)) child = right;
        }
        const cs = scores[child]!;
        if (score < cs || (score === cs && row > rows[child]!)) break;
        rows[i] = rows[child]!;
        scores[i] = cs;
        i = child;
      }
    }
    rows[i] = row;
    scores[i] = score;
  }

  /** Best first, each score multiplied by `scale`. */
  sorted(scale = 1): Neighbour[] {
    const out: Neighbour[] = Array.from(this.rows.subarray(0, this.filled), (row, j) => [row, this.scores[j]! * scale]);
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }
}

/** The k best of `rows[0…count)` by `scores[row]`. */
export function topK(scores: Float64Array, rows: Int32Array, count: number, k: number, scale = 1): Neighbour[] {
  const top = new TopK(Math.max(0, Math.min(k, count)));
  for (let n = 0; n < count; n++) top.offer(rows[n]!, scores[rows[n]!]!);
  return top.sorted(scale);
}
