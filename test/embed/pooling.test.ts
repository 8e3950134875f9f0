import { describe, expect, it } from 'vitest';
import { lengthSortedBatches } from '../../src/embed/batching.ts';
import { pool } from '../../src/embed/pooling.ts';

describe('pool', () => {
  // batch 2, seq 3, hidden 2; the second text has one padding token.
  const states = { data: Float32Array.from([1, 0, 3, 0, 5, 0, 0, 2, 0, 4, 9, 9]), batch: 2, seq: 3, hidden: 2 };
  const mask = [1, 1, 1, 1, 1, 0];

  it('mean-pools over real tokens only', () => {
    const [a, b] = pool(states, mask, 'mean', false);
    expect(Array.from(a!)).toEqual([3, 0]);
    expect(Array.from(b!)).toEqual([0, 3]); // the padded [9, 9] is ignored
  });

  it('takes the first token for cls pooling and normalizes on request', () => {
    const [a, b] = pool(states, mask, 'cls', true);
    expect(Array.from(a!)).toEqual([1, 0]);
    expect(Array.from(b!)).toEqual([0, 1]);
  });
});

describe('lengthSortedBatches', () => {
  it('covers every index once, shortest first, in batches of at most size', () => {
    const texts = ['aaaa', 'a', 'aaa', 'aa', 'aaaaa'];
    const batches = lengthSortedBatches(texts, 2);
    expect(batches).toEqual([[1, 3], [2, 0], [4]]);
  });
});
