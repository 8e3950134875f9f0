// Section `hnsw-native` (a side experiment): the installed hnswlib-node (compiled by `npm ci` with
// node-gyp's default flags: SSE only) versus the same source compiled with -O3 -march=native
// (AVX2/AVX-512 distance kernels), side by side in one process on the same data: build rate and
// query rate at equal parameters (identical graphs up to float rounding, so recall is equal).
//
//   (cd .bench/hnswlib-native/node_modules/hnswlib-node && CXXFLAGS="-O3 -march=native" node-gyp rebuild)
//   npm run bench -- hnsw-native --n 50000 --M 16 --efc 200
import { createRequire } from 'node:module';
import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { BENCH_DIR, fixed, log, now, publish, table, type Args } from './lib/report.ts';
import { clusteredDataset, row } from './lib/synthetic.ts';
import { HNSW_DIR } from './hnsw.ts';

type Hnswlib = typeof import('hnswlib-node');

export async function runHnswNative(args: Args): Promise<void> {
  const n = Number(args.n ?? 50_000);
  const M = Number(args.M ?? DEFAULT_HNSW.M);
  const efc = Number(args.efc ?? DEFAULT_HNSW.efConstruction);
  const ef = Number(args.ef ?? DEFAULT_HNSW.ef);
  const require = createRequire(import.meta.url);
  const builds: [string, Hnswlib][] = [
    ['installed (npm ci, default flags)', require('hnswlib-node') as Hnswlib],
    ['-O3 -march=native', require(path.join(BENCH_DIR, 'hnswlib-native/node_modules/hnswlib-node')) as Hnswlib],
  ];
  const data = clusteredDataset(HNSW_DIR, n);
  const vectors = Array.from({ length: n }, (_, i) => Array.from(row(data.base, i, data.dims)));
  const queries = Array.from({ length: data.queryCount }, (_, q) => Array.from(row(data.queries, q, data.dims)));
  const results: { build: string; buildRate: number; qps: number }[] = [];
  // Two rounds, alternating, best of each.
  for (let round = 0; round < 2; round++) {
    for (const [name, lib] of builds) {
      const index = new lib.HierarchicalNSW('cosine', data.dims);
      index.initIndex(n, M, efc, 100);
      let t = now();
      for (let i = 0; i < n; i++) index.addPoint(vectors[i]!, i);
      const buildRate = n / ((now() - t) / 1000);
      index.setEf(ef);
      t = now();
      for (const q of queries) index.searchKnn(q, 10);
      const qps = queries.length / ((now() - t) / 1000);
      log(`  ${name}: build ${fixed(buildRate, 0)}/s, query ${fixed(qps, 0)}/s`);
      const previous = results.find((r) => r.build === name);
      if (!previous) results.push({ build: name, buildRate, qps });
      else {
        previous.buildRate = Math.max(previous.buildRate, buildRate);
        previous.qps = Math.max(previous.qps, qps);
      }
    }
  }
  const baseline = results[0]!;
  publish(
    'hnsw-native',
    `### hnswlib-node build flags, ${n.toLocaleString('en-US')} vectors, M=${M}, efConstruction=${efc}, ef=${ef} (best of 2 alternating rounds)\n\n` +
      table(
        ['hnswlib-node build', 'build vectors/s', 'queries/s', 'build ×', 'query ×'],
        results.map((r) => [r.build, fixed(r.buildRate, 0), fixed(r.qps, 0), fixed(r.buildRate / baseline.buildRate, 2), fixed(r.qps / baseline.qps, 2)]),
      ),
    results,
  );
}
