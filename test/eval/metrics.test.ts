import { describe, expect, it } from 'vitest';
import { meanMetrics, scoreRanking } from '../../src/eval/metrics.ts';

describe('scoreRanking', () => {
  it('is perfect when the relevant papers come first in grade order', () => {
    expect(scoreRanking(['a', 'b', 'x'], { a: 2, b: 1 }, 10)).toEqual({ ndcg: 1, recall: 1, mrr: 1 });
  });

  it('computes nDCG with 2^g − 1 gains and log2 discounts', () => {
    // DCG = (2^1−1)/log2(2) + (2^2−1)/log2(3); ideal = 3/1 + 1/log2(3)
    const { ndcg, recall, mrr } = scoreRanking(['b', 'a'], { a: 2, b: 1 }, 10);
    expect(ndcg).toBeCloseTo((1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 10);
    expect(recall).toBe(1);
    expect(mrr).toBe(1);
  });

  it('counts only the top `cutoff` results', () => {
    expect(scoreRanking(['x', 'y', 'a'], { a: 1 }, 2)).toEqual({ ndcg: 0, recall: 0, mrr: 0 });
    expect(scoreRanking(['x', 'a'], { a: 1, b: 1 }, 10)).toMatchObject({ recall: 0.5, mrr: 0.5 });
  });

  it('averages per query', () => {
    expect(
      meanMetrics([
        { ndcg: 1, recall: 1, mrr: 1 },
        { ndcg: 0, recall: 0.5, mrr: 0 },
      ]),
    ).toEqual({ ndcg: 0.5, recall: 0.75, mrr: 0.5 });
  });
});
