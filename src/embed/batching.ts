// Groups texts into batches of similar length so padding (wasted model work) stays small.

/** Batches of indices into `texts`, shortest texts first; each batch has at most `size` entries. */
export function lengthSortedBatches(texts: readonly string[], size: number): number[][] {
  const order = texts.map((_, index) => index).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += size) batches.push(order.slice(start, start + size));
  return batches;
}
