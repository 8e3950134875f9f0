// Turns a model's token states [batch, seq, hidden] into one vector per text.
// Done here rather than by the pipeline so pooling is explicit and one pass over the buffer.
import type { Pooling } from './embedder.ts';

export interface TokenStates {
  data: Float32Array;
  batch: number;
  seq: number;
  hidden: number;
}

/** `mask` is the attention mask, row-major [batch, seq], 1 for real tokens. */
export function pool(states: TokenStates, mask: ArrayLike<number | bigint>, pooling: Pooling, normalize: boolean): Float32Array[] {
  const { data, batch, seq, hidden } = states;
  const vectors: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const vector = new Float32Array(hidden);
    if (pooling === 'cls') {
      vector.set(data.subarray(b * seq * hidden, b * seq * hidden + hidden));
    } else {
      let tokens = 0;
      for (let t = 0; t < seq; t++) {
        if (Number(mask[b * seq + t]) === 0) continue;
        tokens++;
        const offset = (b * seq + t) * hidden;
        for (let h = 0; h < hidden; h++) vector[h]! += data[offset + h]!;
      }
      if (tokens > 0) for (let h = 0; h < hidden; h++) vector[h]! /= tokens;
    }
    if (normalize) normalizeInPlace(vector);
    vectors.push(vector);
  }
  return vectors;
}

export function normalizeInPlace(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
