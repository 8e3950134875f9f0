// Section `hnsw`: recall@10 and QPS of the product's HNSW index (src/store/vector-index.ts,
// hnswlib-node) versus an exact scan, on clustered synthetic 384-d vectors with 1,000 held-out
// queries; build time, file size, memory and cold-start load time.
//
//   npm run bench -- hnsw --sizes 100000,1000000 --M 16 --efc 200 --efs 10,16,32,64,128,256
//
// Everything expensive is cached under .bench/hnsw (vectors, ground truth, built index + its
// build stats), so a second run only re-measures queries and loading.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { exactScan } from '../../src/search/semantic.ts';
import { VectorIndex } from '../../src/store/vector-index.ts';
import { BENCH_DIR, fixed, intList, log, mb, now, type Args, publish, rssMb, table } from './lib/report.ts';
import { clusteredDataset, row, type Dataset } from './lib/synthetic.ts';

const K = 10;
export const HNSW_DIR = path.join(BENCH_DIR, 'hnsw');

interface GroundTruth {
  /** queryCount × K labels, best first. */
  labels: Int32Array;
  nativeQps: number;
  nativeQueries: number;
}

/** Exact top-K for every query with hnswlib's BruteforceSearch (C++, inner product on unit vectors). */
export function groundTruth(data: Dataset): GroundTruth {
  const file = path.join(HNSW_DIR, `gt-${data.count}-q${data.queryCount}-k${K}.json`);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { labels: number[]; nativeQps: number; nativeQueries: number };
    return { labels: Int32Array.from(saved.labels), nativeQps: saved.nativeQps, nativeQueries: saved.nativeQueries };
  }
  log(`ground truth: exact scan of ${data.count} vectors for ${data.queryCount} queries (hnswlib BruteforceSearch)`);
  const brute = new hnswlib.BruteforceSearch('ip', data.dims);
  brute.initIndex(data.count);
  for (let i = 0; i < data.count; i++) brute.addPoint(Array.from(row(data.base, i, data.dims)), i);
  const labels = new Int32Array(data.queryCount * K);
  const started = now();
  for (let q = 0; q < data.queryCount; q++) {
    const { neighbors } = brute.searchKnn(Array.from(row(data.queries, q, data.dims)), K);
    labels.set(neighbors, q * K);
    if (q % 200 === 199) log(`  ${q + 1}/${data.queryCount} queries`);
  }
  const nativeQps = data.queryCount / ((now() - started) / 1000);
  writeFileSync(file, JSON.stringify({ labels: Array.from(labels), nativeQps, nativeQueries: data.queryCount }));
  return { labels, nativeQps, nativeQueries: data.queryCount };
}

/** QPS of the project's own JS exact scan (src/search/semantic.ts exactScan) over in-memory vectors. */
function jsExactQps(data: Dataset, queries: number): number {
  const items = Array.from({ length: data.count }, (_, label) => ({ label, vector: row(data.base, label, data.dims) }));
  const started = now();
  for (let q = 0; q < queries; q++) exactScan(items, row(data.queries, q, data.dims), K);
  return queries / ((now() - started) / 1000);
}

interface BuildStats {
  n: number;
  M: number;
  efConstruction: number;
  buildSeconds: number;
  ratePerSecond: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  fileMb: number;
}

export function indexFile(n: number, M: number, efc: number, native = false): string {
  return path.join(HNSW_DIR, `index-${n}-M${M}-efc${efc}${native ? '-native' : ''}.hnsw`);
}

/**
 * Builds with hnswlib-node compiled with -O3 -march=native (see hnsw-native.ts) instead of the
 * installed one: same source, same parameters and seed, same file format, so the product's
 * VectorIndex loads and searches it like any other. Used where the installed build is too slow
 * to build a large index in the time at hand.
 */
function buildNative(data: Dataset, M: number, efConstruction: number, file: string): void {
  const require = createRequire(import.meta.url);
  const lib = require(path.join(BENCH_DIR, 'hnswlib-native/node_modules/hnswlib-node')) as typeof hnswlib;
  const index = new lib.HierarchicalNSW('cosine', data.dims);
  index.initIndex(data.count, M, efConstruction, 100);
  const started = now();
  const step = Math.max(10_000, Math.floor(data.count / 20));
  for (let i = 0; i < data.count; i++) {
    index.addPoint(Array.from(row(data.base, i, data.dims)), i);
    if (i % step === step - 1) {
      const seconds = (now() - started) / 1000;
      log(`  ${i + 1}/${data.count} in ${fixed(seconds)} s (${fixed((i + 1) / seconds, 0)}/s, ETA ${fixed(((data.count - i - 1) * seconds) / (i + 1), 0)} s)`);
    }
  }
  index.writeIndexSync(file);
}

/** Builds through the product's VectorIndex (the same upsert the ingest uses), saves it, keeps stats. */
export function buildIndex(data: Dataset, M: number, efConstruction: number, native = false): BuildStats {
  const file = indexFile(data.count, M, efConstruction, native);
  const statsFile = `${file}.json`;
  if (existsSync(file) && existsSync(statsFile)) return JSON.parse(readFileSync(statsFile, 'utf8')) as BuildStats;
  log(`building HNSW n=${data.count} M=${M} efConstruction=${efConstruction}${native ? ' with the -march=native hnswlib-node build' : ''}`);
  const rssBeforeMb = rssMb();
  const { buildSeconds, rssAfterMb } = native ? timedNativeBuild(data, M, efConstruction, file) : timedBuild(data, M, efConstruction, file);
  const stats: BuildStats = {
    n: data.count,
    M,
    efConstruction,
    buildSeconds,
    ratePerSecond: data.count / buildSeconds,
    rssBeforeMb,
    rssAfterMb,
    fileMb: mb(statSync(file).size),
  };
  writeFileSync(statsFile, JSON.stringify(stats, null, 2));
  return stats;
}

/** The -march=native build, written to `file` (its RSS after writing). */
function timedNativeBuild(data: Dataset, M: number, efConstruction: number, file: string): { buildSeconds: number; rssAfterMb: number } {
  const started = now();
  buildNative(data, M, efConstruction, file);
  return { buildSeconds: (now() - started) / 1000, rssAfterMb: rssMb() };
}

/** The product's VectorIndex, with progress; RSS after the inserts, before saving to `file`. */
function timedBuild(data: Dataset, M: number, efConstruction: number, file: string): { buildSeconds: number; rssAfterMb: number } {
  const index = VectorIndex.create(data.dims, { M, efConstruction, ef: DEFAULT_HNSW.ef }, data.count);
  const started = now();
  const step = Math.max(10_000, Math.floor(data.count / 20));
  for (let i = 0; i < data.count; i++) {
    index.upsert(i, row(data.base, i, data.dims));
    if (i % step === step - 1) {
      const seconds = (now() - started) / 1000;
      log(`  ${i + 1}/${data.count} in ${fixed(seconds)} s (${fixed((i + 1) / seconds, 0)}/s, ETA ${fixed(((data.count - i - 1) * seconds) / (i + 1), 0)} s)`);
    }
  }
  const buildSeconds = (now() - started) / 1000;
  const rssAfterMb = rssMb();
  index.save(file);
  return { buildSeconds, rssAfterMb };
}

/** Loads the index in a fresh process: the server's cold start for the vector index. */
export function coldLoad(file: string, dims: number): { loadMs: number; processMs: number; rssMb: number; pageCacheDropped: boolean } {
  let pageCacheDropped = false;
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    pageCacheDropped = true;
  } catch {
    // not permitted in this container: the file is then in the page cache (a warm restart)
  }
  const started = now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'hnsw-load.ts'), file, String(dims)], {
    encoding: 'utf8',
  });
  const processMs = now() - started;
  if (child.status !== 0) throw new Error(`load child failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { loadMs: number; rssMb: number };
  return { ...result, processMs, pageCacheDropped };
}

export interface EfPoint {
  ef: number;
  recall: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
}

export function sweep(index: VectorIndex, data: Dataset, truth: Int32Array, efs: readonly number[]): EfPoint[] {
  const queries = Array.from({ length: data.queryCount }, (_, q) => row(data.queries, q, data.dims));
  // Warm-up: touch the graph once.
  for (let q = 0; q < Math.min(200, queries.length); q++) index.search(queries[q]!, K, undefined, efs[0]);
  return efs.map((ef) => {
    let hits = 0;
    const times: number[] = [];
    const started = now();
    for (let q = 0; q < queries.length; q++) {
      const t0 = now();
      const found = index.search(queries[q]!, K, undefined, ef);
      times.push(now() - t0);
      const expected = new Set(truth.subarray(q * K, (q + 1) * K));
      for (const [label] of found) if (expected.has(label)) hits++;
    }
    const seconds = (now() - started) / 1000;
    times.sort((a, b) => a - b);
    return {
      ef,
      recall: hits / (queries.length * K),
      qps: queries.length / seconds,
      p50Ms: times[Math.floor(times.length * 0.5)]!,
      p99Ms: times[Math.floor(times.length * 0.99)]!,
    };
  });
}

export async function runHnsw(args: Args): Promise<void> {
  const sizes = intList(args.sizes, [100_000]);
  const M = Number(args.M ?? DEFAULT_HNSW.M);
  const efc = Number(args.efc ?? DEFAULT_HNSW.efConstruction);
  const efs = intList(args.efs, [10, 16, 32, 64, 96, 128, 256]);
  const jsQueries = Number(args['js-queries'] ?? 20);
  const native = args.native === 'true';
  const sections: string[] = [];
  const results: unknown[] = [];
  for (const n of sizes) {
    const t0 = now();
    const data = clusteredDataset(HNSW_DIR, n);
    log(`dataset n=${n} ready in ${fixed((now() - t0) / 1000)} s`);
    const truth = groundTruth(data);
    const build = buildIndex(data, M, efc, native);
    const file = indexFile(n, M, efc, native);
    const cold = coldLoad(file, data.dims);
    const rssBefore = rssMb();
    const loadStarted = now();
    const index = VectorIndex.load(file, data.dims, efs[0]!);
    const loadMs = now() - loadStarted;
    const indexRssMb = rssMb() - rssBefore;
    const points = sweep(index, data, truth.labels, efs);
    log(`JS exact scan: ${jsQueries} queries`);
    const jsQps = jsExactQps(data, jsQueries);
    const exactQps = truth.nativeQps;
    results.push({ n, M, efc, build, cold, loadMs, indexRssMb, exactQps, jsQps, points });
    sections.push(
      [
        `### ${n.toLocaleString('en-US')} vectors, M=${M}, efConstruction=${efc}${native ? ' (built with the -march=native hnswlib-node; searched with the installed one)' : ''}`,
        '',
        table(
          ['ef', 'recall@10', 'QPS (1 thread)', 'p50 ms', 'p99 ms', '× native exact scan', '× JS exact scan'],
          points.map((p) => [
            p.ef,
            fixed(p.recall, 4),
            fixed(p.qps, 0),
            fixed(p.p50Ms, 3),
            fixed(p.p99Ms, 3),
            fixed(p.qps / exactQps, 0),
            fixed(p.qps / jsQps, 0),
          ]),
        ),
        '',
        table(
          ['measure', 'value'],
          [
            ['exact scan QPS, native (hnswlib BruteforceSearch, C++)', `${fixed(exactQps, 1)} (over ${truth.nativeQueries} queries)`],
            ['exact scan QPS, JS (src/search/semantic.ts exactScan)', `${fixed(jsQps, 2)} (over ${jsQueries} queries)`],
            ['build time', `${fixed(build.buildSeconds, 1)} s (${fixed(build.ratePerSecond, 0)} vectors/s, 1 thread${native ? ', -march=native build' : ''})`],
            ['index file', `${fixed(build.fileMb, 1)} MB`],
            ['RSS growth during build', `${fixed(build.rssAfterMb - build.rssBeforeMb, 0)} MB`],
            ['RSS growth after load (this process)', `${fixed(indexRssMb, 0)} MB`],
            ['load (readIndexSync) in this process', `${fixed(loadMs, 0)} ms`],
            [
              `cold start, fresh process (${cold.pageCacheDropped ? 'page cache dropped' : 'page cache NOT dropped: not permitted here'})`,
              `${fixed(cold.loadMs, 0)} ms load, ${fixed(cold.processMs, 0)} ms process start→loaded→exit, ${fixed(cold.rssMb, 0)} MB RSS`,
            ],
          ],
        ),
      ].join('\n'),
    );
  }
  publish('hnsw', sections.join('\n\n'), results);
}
