// Clustered synthetic 384-d vectors, deterministic from a seed, cached under .bench/.
//
// Real model output with random weights is degenerate (all vectors nearly equal), so the HNSW,
// query and Orama benchmarks use this generator instead. Each vector is
//   normalize(center[c] + spread · A_c·z / √latent + noise · g)
// with c a random cluster (topic), A_c a per-cluster random 384×latent basis (directions the topic
// varies along), z ~ N(0, I_latent) and g ~ N(0, I/dims). This gives the two things real text
// embeddings have and isotropic noise lacks: many topic clusters and a low intrinsic dimension
// within each (≈ latent), plus a little full-rank noise. Queries are drawn from the same process
// with a different seed (held out: not in the index).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../test-model/prng.ts';

export interface ClusterSpec {
  dims: number;
  clusters: number;
  latent: number;
  spread: number;
  noise: number;
}

export const DEFAULT_CLUSTERS: ClusterSpec = { dims: 384, clusters: 1000, latent: 24, spread: 0.9, noise: 0.25 };

/** mulberry32, shared with the test-model generator: small, fast, good enough for benchmark data. */
export const prng = mulberry32;

export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** The topic model shared by the index vectors and the queries (same seed → same topics). */
class Topics {
  readonly centers: Float32Array;
  readonly bases: Float32Array;
  constructor(
    readonly spec: ClusterSpec,
    seed: number,
  ) {
    const normal = gaussian(prng(seed));
    const { dims, clusters, latent } = spec;
    this.centers = new Float32Array(clusters * dims);
    for (let c = 0; c < clusters; c++) {
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += (this.centers[c * dims + d] = normal()) ** 2;
      const inv = 1 / Math.sqrt(sum);
      for (let d = 0; d < dims; d++) this.centers[c * dims + d]! *= inv;
    }
    // bases[c][l][d], entries N(0, 1/dims): each basis direction has norm ≈ 1.
    this.bases = new Float32Array(clusters * latent * dims);
    const scale = 1 / Math.sqrt(dims);
    for (let i = 0; i < this.bases.length; i++) this.bases[i] = normal() * scale;
  }

  sample(count: number, seed: number): Float32Array {
    const { dims, clusters, latent, spread, noise } = this.spec;
    const random = prng(seed);
    const normal = gaussian(random);
    const out = new Float32Array(count * dims);
    const z = new Float64Array(latent);
    const v = new Float64Array(dims);
    const latentScale = spread / Math.sqrt(latent);
    const noiseScale = noise / Math.sqrt(dims);
    for (let i = 0; i < count; i++) {
      const c = Math.floor(random() * clusters);
      for (let l = 0; l < latent; l++) z[l] = normal() * latentScale;
      for (let d = 0; d < dims; d++) v[d] = this.centers[c * dims + d]! + normal() * noiseScale;
      const base = c * latent * dims;
      for (let l = 0; l < latent; l++) {
        const zl = z[l]!;
        const row = base + l * dims;
        for (let d = 0; d < dims; d++) v[d]! += zl * this.bases[row + d]!;
      }
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += v[d]! * v[d]!;
      const inv = 1 / Math.sqrt(sum);
      for (let d = 0; d < dims; d++) out[i * dims + d] = v[d]! * inv;
    }
    return out;
  }
}

export interface Dataset {
  dims: number;
  /** count × dims, row-major, unit length. */
  base: Float32Array;
  queries: Float32Array;
  count: number;
  queryCount: number;
}

/**
 * `count` index vectors and `queryCount` held-out queries. The first k vectors of a bigger set
 * are NOT the smaller set (each size is its own draw), but queries are the same for every size.
 */
export function clusteredDataset(dir: string, count: number, queryCount = 1000, spec = DEFAULT_CLUSTERS, seed = 42): Dataset {
  mkdirSync(dir, { recursive: true });
  const tag = `c${spec.clusters}-l${spec.latent}-s${spec.spread}-n${spec.noise}-seed${seed}`;
  const baseFile = path.join(dir, `base-${count}-${tag}.f32`);
  const queryFile = path.join(dir, `queries-${queryCount}-${tag}.f32`);
  let topics: Topics | undefined;
  const load = (file: string, n: number, sampleSeed: number): Float32Array => {
    if (existsSync(file)) {
      const buffer = readFileSync(file);
      return new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    }
    topics ??= new Topics(spec, seed);
    const data = topics.sample(n, sampleSeed);
    writeFileSync(`${file}.tmp`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    renameSync(`${file}.tmp`, file);
    return data;
  };
  const base = load(baseFile, count, seed * 1000 + count);
  const queries = load(queryFile, queryCount, seed * 7 + 1);
  return { dims: spec.dims, base, queries, count, queryCount };
}

export function row(data: Float32Array, i: number, dims: number): Float32Array {
  return data.subarray(i * dims, (i + 1) * dims);
}
