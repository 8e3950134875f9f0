// BM25F over the title and abstract fields, with Lucene's idf.
//
// - idf = ln(1 + (N − n + 0.5) / (n + 0.5)) (Lucene, Anserini, bm25s): positive for every n ≤ N, so a
//   word in most documents still orders them by frequency. FTS5's own bm25() uses
//   ln((N − n + 0.5) / (n + 0.5)) floored at 1e-6: every word in over half the documents scores ~0.
// - BM25F (Robertson, Zaragoza & Taylor 2004; Zaragoza et al. 2004): each field's frequency is
//   length-normalised against that field's average length and weighted, the sum is saturated once:
//       t̃f = Σ_f w_f · tf_f / (1 − b + b · len_f / avglen_f)      score = idf · t̃f · (k1 + 1) / (t̃f + k1)
//   so a title match counts per title length, not diluted by the abstract's length.
// - A query word repeated counts as often as it appears (a repeated clause, as in Lucene's
//   BooleanQuery; BM25's query-frequency factor with a large k3).
export interface Bm25Options {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation, 0 (none) to 1 (full). */
  b: number;
  /** Weight of a title occurrence relative to an abstract one. */
  titleWeight: number;
}

export function luceneIdf(documents: number, matching: number): number {
  return Math.log(1 + (documents - matching + 0.5) / (matching + 0.5));
}

/** Per-field lengths and averages a scorer needs; columns in the index's order (title, abstract). */
export interface FieldStatistics {
  documents: number;
  averageLength: readonly number[];
  /** Tokens per field, indexed by row. */
  lengths: readonly ArrayLike<number>[];
}

export class Bm25fScorer {
  /** Per field, indexed by row: the field weight over its length normalisation. */
  private readonly norms: Float64Array[];
  private readonly k1: number;

  constructor(options: Bm25Options, fields: FieldStatistics, rowLimit: number) {
    this.k1 = options.k1;
    this.documents = fields.documents;
    const weights = [options.titleWeight, 1];
    this.norms = fields.lengths.map((lengths, field) => {
      const norms = new Float64Array(rowLimit);
      const average = fields.averageLength[field]!;
      const weight = weights[field] ?? 1;
      for (let row = 0; row < rowLimit; row++) {
        norms[row] = average > 0 ? weight / (1 - options.b + (options.b * (lengths[row] ?? 0)) / average) : weight;
      }
      return norms;
    });
  }

  private readonly documents: number;

  idf(matching: number): number {
    return luceneIdf(this.documents, matching);
  }

  /** The most one term can add per unit of idf·weight (t̃f → ∞). */
  get saturation(): number {
    return this.k1 + 1;
  }

  /**
   * Saturated, length-normalised frequency part of the score, to multiply by idf (and the query
   * weight). Rounded to single precision: the ranker keeps these per posting as float32, and a
   * value computed again must be the same number.
   */
  frequencyPart(row: number, counts: readonly Uint16Array[], i: number): number {
    const norms = this.norms;
    let tf = 0;
    for (let field = 0; field < counts.length; field++) tf += counts[field]![i]! * norms[field]![row]!;
    return Math.fround((tf * (this.k1 + 1)) / (tf + this.k1));
  }
}
