// Section `keyword-scale`: the search modes over HTTP as the corpus grows (issue #12's speed goals).
// For each size: an index of the arXiv-snapshot-shaped file of that many papers (SciFact sentences
// as text, ingested by `paperseek ingest`), with clustered 384-d vectors attached (the minilm test
// model's dimensions; random weights give honest speed only). The real server (`serve`, minilm q8,
// query cache off) answers the 300 SciFact claims — natural-language queries — over HTTP:
//   - 1 connection, sequential: pass 1 starts with the postings cache empty (every term decoded
//     from FTS5 on first use), pass 2 repeats the claims with it warm;
//   - 32 connections (autocannon, the claims in a loop) with 1 and 2 workers, after an unmeasured
//     run of the same length.
//
//   npm run test-model -- minilm .models
//   npm run bench -- keyword-scale --sizes 100000,300000,1000000 [--workers 1,2] [--connections 32] [--duration 15] [--efc 200]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { HNSW_DIR } from './hnsw.ts';
import { snapshotFile } from './ingest-scale.ts';
import { MINILM_SPEC, SCIFACT_DIR } from './lib/papers.ts';
import { BENCH_DIR, fixed, intList, log, now, publish, table, type Args } from './lib/report.ts';
import { load, searchPath, startServer, stop, type Mode } from './lib/server.ts';
import { clusteredDataset, row } from './lib/synthetic.ts';

/**
 * Ingests the snapshot file (keyword index only), then attaches clustered vectors and publishes
 * HNSW (`--efc`: its efConstruction, default 200 like the server; a lower one builds faster).
 */
async function prepare(n: number, efConstruction: number): Promise<string> {
  const HNSW = { ...DEFAULT_HNSW, efConstruction };
  const dataDir = path.join(BENCH_DIR, `keyword-scale-${n}`);
  const open = () => PaperStore.open({ dataDir, hnsw: HNSW, log });
  let store = open();
  const count = store.count();
  const withVectors = store.countWithVectors();
  store.close();
  if (count < n) {
    const file = await snapshotFile(n);
    log(`ingesting ${file} → ${dataDir}`);
    const started = now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ingest', file], {
      env: { ...process.env, PAPERSEEK_DATA_DIR: dataDir, PAPERSEEK_MODEL: 'none', PAPERSEEK_MODEL_DIR: path.resolve('.models') },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`ingest failed (${run.status})`);
    log(`  ingested in ${fixed((now() - started) / 1000, 0)} s`);
  }
  if (withVectors < n) {
    const data = clusteredDataset(HNSW_DIR, n);
    store = open();
    store.bind(MINILM_SPEC);
    const ids = store.ids();
    log(`attaching ${ids.length} clustered vectors, then building HNSW (M ${HNSW.M}, efConstruction ${HNSW.efConstruction})`);
    const started = now();
    for (let start = 0; start < ids.length; start += 5000) {
      store.attachVectors(ids.slice(start, start + 5000).map((id, j) => ({ id, vector: row(data.base, (start + j) % data.count, data.dims) })));
    }
    store.save();
    store.close();
    log(`  vectors and HNSW in ${fixed((now() - started) / 1000, 0)} s`);
  }
  return dataDir;
}

export const claims = (): string[] =>
  readFileSync(path.join(SCIFACT_DIR, 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { query: string }).query);

/** Exact per-request latency from one client, and the share of responses with a lower-bound total. */
async function pass(port: number, mode: Mode, queries: readonly string[]) {
  const times: number[] = [];
  let bounded = 0;
  for (const query of queries) {
    const started = now();
    const response = await fetch(`http://127.0.0.1:${port}${searchPath(query, mode, 10)}`);
    const body = (await response.json()) as { total_relation?: string };
    times.push(now() - started);
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${mode} "${query}"`);
    if (body.total_relation === 'gte') bounded++;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1)!, bounded };
}

export async function runKeywordScale(args: Args): Promise<void> {
  const sizes = intList(args.sizes, [100_000, 300_000, 1_000_000]);
  const workerCounts = intList(args.workers, [1, 2]);
  const connections = Number(args.connections ?? 32);
  const duration = Number(args.duration ?? 15);
  const modes = (args.modes ?? 'keyword,hybrid,semantic').split(',') as Mode[];
  const port = Number(args.port ?? 3931);
  const queries = claims();
  const sequentialRows: (string | number)[][] = [];
  const loadRows: (string | number)[][] = [];
  const results: unknown[] = [];
  for (const n of sizes) {
    const dataDir = await prepare(n, Number(args.efc ?? DEFAULT_HNSW.efConstruction));
    if (args['prepare-only']) continue;
    for (const workers of workerCounts) {
      // A fresh server per mode for the sequential passes, so pass 1 starts with cold caches.
      for (const mode of modes) {
        const server = await startServer(dataDir, port, undefined, { PAPERSEEK_WORKERS: String(workers) });
        try {
          if (workers === workerCounts[0]) {
            const first = await pass(port, mode, queries);
            const second = await pass(port, mode, queries);
            for (const [label, s] of [
              ['1 (cold)', first],
              ['2 (warm)', second],
            ] as const) {
              sequentialRows.push([n.toLocaleString('en-US'), mode, label, fixed(s.mean, 1), fixed(s.p50, 1), fixed(s.p99, 1), fixed(s.max, 1), s.bounded]);
              results.push({ n, mode, workers, pass: label, ...s });
            }
            log(`${n} ${mode}: pass 1 p99 ${fixed(first.p99)} ms, pass 2 p50 ${fixed(second.p50)} p99 ${fixed(second.p99)} ms`);
          }
          // Unmeasured first: every worker's postings cache sees the claims (a keep-alive client
          // alone would stay on one worker), so 1 and 2 workers are compared warm.
          await load(port, mode, connections, duration, queries, 10);
          const r = await load(port, mode, connections, duration, queries, 10);
          loadRows.push([n.toLocaleString('en-US'), mode, workers, connections, fixed(r.rps, 0), r.latency.p50!, r.latency.p99!, r.non2xx + r.errors]);
          results.push({ n, mode, workers, connections, rps: r.rps, latency: r.latency, failed: r.non2xx + r.errors });
          log(`${n} ${mode} ×${connections} (${workers} workers): ${fixed(r.rps, 0)} req/s, p99 ${r.latency.p99} ms`);
        } finally {
          await stop(server);
        }
      }
    }
  }
  if (args['prepare-only']) return;
  publish(
    'keyword-scale',
    `### 1 connection, sequential, the 300 SciFact claims, k=10, query cache off (ms, client side)\n\n` +
      table(['papers', 'mode', 'pass', 'mean', 'p50', 'p99', 'max', 'total ≥ (of 300)'], sequentialRows) +
      `\n\n### ${connections} connections, autocannon ${duration} s, the claims in a loop\n\n` +
      table(['papers', 'mode', 'workers', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'failed'], loadRows),
    results,
  );
}
