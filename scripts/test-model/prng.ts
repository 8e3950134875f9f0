// Deterministic pseudo-random numbers for test-model weights: mulberry32 streams seeded from
// (seed, tensor name), and an approximate normal built only from exact IEEE arithmetic.

/** FNV-1a 32-bit hash, used to derive an independent stream per tensor name. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SQRT3 = Math.sqrt(3);

/**
 * `count` values ~ N(mean, std²), approximated by a scaled sum of four uniforms (Irwin–Hall):
 * no transcendental functions, so the bytes are identical on every platform and Node version.
 */
export function normalArray(seed: number, name: string, count: number, std: number, mean = 0): Float32Array {
  const next = mulberry32(hash32(name, seed));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = mean + std * SQRT3 * (next() + next() + next() + next() - 2);
  }
  return out;
}
