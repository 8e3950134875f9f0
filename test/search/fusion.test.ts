import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, semanticConfidence } from '../../src/search/fusion.ts';

describe('reciprocalRankFusion', () => {
  it('adds weight / (rrfK + rank) over the sides that retrieved a label', () => {
    const fused = reciprocalRankFusion(
      [
        [1, 0.9],
        [2, 0.8],
      ],
      [
        [2, 7.5],
        [3, 3.1],
      ],
      { rrfK: 60, weights: { semantic: 1, keyword: 2 } },
    );
    expect(fused.map((c) => c.label)).toEqual([2, 3, 1]);
    expect(fused[0]).toMatchObject({ semantic: { score: 0.8, rank: 2 }, keyword: { score: 7.5, rank: 1 } });
    expect(fused[0]!.fused).toBeCloseTo(1 / 62 + 2 / 61, 10);
    expect(fused[2]).toMatchObject({ keyword: null, fused: 1 / 61 });
  });
});

describe('semanticConfidence', () => {
  const list = (scores: number[]) => scores.map((score, i): [number, number] => [i, score]);
  it('is zero for a ranking whose scores barely separate (a degenerate model)', () => {
    expect(semanticConfidence(list([0.873, 0.871, 0.869, 0.866, 0.864]))).toBe(0);
  });
  it('is one for a ranking with clear separation', () => {
    expect(semanticConfidence(list([0.28, 0.16, 0.08, 0.02, -0.05]))).toBe(1);
  });
  it('grows linearly in between', () => {
    expect(semanticConfidence(list([0.535, 0.52, 0.5, 0.49, 0.48]))).toBeCloseTo(0.5, 5);
  });
});
