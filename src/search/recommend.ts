// The query vector for "more like these, less like those" (Rocchio's relevance feedback):
// the mean of the positive examples minus half the mean of the negative ones.

import { norm } from './vectors.ts';

const NEGATIVE_WEIGHT = 0.5;

export function recommendationVector(positive: readonly Float32Array[], negative: readonly Float32Array[]): Float32Array {
  const dims = positive[0]!.length;
  const result = new Float32Array(dims);
  addMean(result, positive, 1);
  if (negative.length > 0) addMean(result, negative, -NEGATIVE_WEIGHT);
  return result;
}

function addMean(into: Float32Array, vectors: readonly Float32Array[], weight: number): void {
  for (const vector of vectors) {
    const scale = weight / (vectors.length * (norm(vector) || 1));
    for (let i = 0; i < into.length; i++) into[i]! += vector[i]! * scale;
  }
}
