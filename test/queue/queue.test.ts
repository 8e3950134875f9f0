// Distributed embedding on a real Redis (its own redis-server on a free loopback port): two
// `paperseek worker` processes embed a slice of SciFact for `paperseek ingest --queue`, and the
// stored vectors equal a single-process ingest with the same chunking — also after kill -9 of a
// worker mid-job, kill -9 of the coordinator (the rerun embeds nothing twice) and a Redis restart
// that loses every job. A worker with another model refuses the job, and the coordinator says so.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ingestSources } from '../../src/ingest/ingest-sources.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { fetchStatus } from '../../src/queue/status.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { HNSW, openTestStore, tempDir, testEmbedder } from '../support/fixtures.ts';
import { committedVectors, freePort, RedisServer, requireRedisServer, startCli, waitUntil, type CliProcess } from './processes.ts';
import { sharedFile } from '../support/shared.ts';

const PAPERS = 160;
const CHUNK = 16; // papers per job: 10 jobs
const SCIFACT = sharedFile('beir/scifact/corpus.jsonl');

const dir = tempDir('paperseek-queue-');
const corpus = path.join(dir.path, 'scifact-160.jsonl');
let redis: RedisServer;
let modelEnv: Record<string, string>;
const workers: CliProcess[] = [];
const baseline = new Map<string, { record: PaperRecord; vector: Float32Array }>();
let runs = 0;
/** A worker whose model differs (dtype fp32) on a queue of its own (database 1). */
let otherModel: CliProcess;

function startWorker(url: string, env: Record<string, string> = {}): CliProcess {
  const worker = startCli(['worker', '--queue', url, '--lock-ms', '2000'], { ...modelEnv, ...env });
  workers.push(worker);
  return worker;
}

function startIngest(dataDir: string, url = redis.url()): CliProcess {
  return startCli(['ingest', '--queue', url, '--chunk-size', String(CHUNK), corpus], { ...modelEnv, PAPERSEEK_DATA_DIR: dataDir });
}

/** Papers embedded by a worker, from its log (after offset `from`): job id → count. */
function embeddedBy(worker: CliProcess, from = 0): Map<string, number> {
  const jobs = new Map<string, number>();
  for (const match of worker
    .output()
    .slice(from)
    .matchAll(/job (\w{12}): (\d+) papers embedded/g))
    jobs.set(match[1]!, (jobs.get(match[1]!) ?? 0) + Number(match[2]));
  return jobs;
}
const total = (jobs: Map<string, number>) => [...jobs.values()].reduce((sum, n) => sum + n, 0);

function expectSameAsBaseline(dataDir: string): void {
  const store = PaperStore.open({ dataDir, hnsw: HNSW, role: 'reader' });
  try {
    expect(store.ids().sort()).toEqual([...baseline.keys()].sort());
    expect(store.countPending()).toBe(0);
    let maxDiff = 0;
    for (const [id, expected] of baseline) {
      expect(store.get(id)).toEqual(expected.record);
      const vector = store.vectorOf(id)!.vector!;
      expect(vector.length).toBe(expected.vector.length);
      for (let i = 0; i < vector.length; i++) maxDiff = Math.max(maxDiff, Math.abs(vector[i]! - expected.vector[i]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  } finally {
    store.close();
  }
}

const newDataDir = () => path.join(dir.path, `index-${++runs}`);

beforeAll(async () => {
  requireRedisServer();
  writeFileSync(corpus, readFileSync(SCIFACT, 'utf8').split('\n').slice(0, PAPERS).join('\n') + '\n');
  modelEnv = {
    PAPERSEEK_MODEL_DIR: inject('modelsDir'),
    PAPERSEEK_MODEL: 'tiny',
    PAPERSEEK_DTYPE: 'q8',
    PAPERSEEK_BATCH_SIZE: '16', // as testEmbedder: the same batches as the baseline
    PAPERSEEK_THREADS: '1',
  };
  redis = new RedisServer(await freePort(), dir.path);
  await redis.start();
  otherModel = startWorker(redis.url(1), { PAPERSEEK_DTYPE: 'fp32' });
  const ready = [startWorker(redis.url()), startWorker(redis.url()), otherModel].map((worker) => worker.waitFor(/taking jobs from/, 60_000));
  // The single-process ingest to compare with, while the workers load their model.
  const embedder = await testEmbedder('tiny');
  const store = openTestStore(path.join(dir.path, 'baseline'));
  try {
    await ingestSources([corpus], { chunkSize: CHUNK }, store, embedder, { log: () => {} });
    for (const id of store.ids()) baseline.set(id, { record: store.get(id)!, vector: store.vectorOf(id)!.vector! });
  } finally {
    store.close();
    await embedder.dispose();
  }
  expect(baseline.size).toBe(PAPERS);
  await Promise.all(ready);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill9()));
  await redis?.kill();
  dir.remove();
});

describe('ingest --queue with paperseek workers on Redis', () => {
  it('two workers embed the corpus; the stored vectors equal a single-process ingest', async () => {
    const [a, b] = workers.filter((worker) => worker !== otherModel);
    const marks = [a!.output().length, b!.output().length];
    const dataDir = newDataDir();
    const run = startIngest(dataDir);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/ingest done: read 160, added 160, updated 0, unchanged 0, skipped 0 \(embedded 160, vectors pending 0\)/);
    expect(run.output()).toMatch(/queue: 160 papers embedded by workers in 10 jobs, [\d.]+ papers\/s/);
    const byA = embeddedBy(a!, marks[0]);
    const byB = embeddedBy(b!, marks[1]);
    expect(total(byA) + total(byB)).toBe(PAPERS);
    expect(byA.size).toBeGreaterThan(0);
    expect(byB.size).toBeGreaterThan(0);
    expectSameAsBaseline(dataDir);

    // What `paperseek worker --status --json` prints; workers report their counts every 2 s.
    let status = await fetchStatus(redis.url());
    for (let i = 0; i < 30 && status.workers.reduce((sum, worker) => sum + worker.papers, 0) < PAPERS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await fetchStatus(redis.url());
    }
    expect(status.jobs).toMatchObject({ queued: 0, active: 0, completed: 0, failed: 0 });
    expect(status.workers.filter((worker) => worker.live)).toHaveLength(2);
    expect(status.workers.reduce((sum, worker) => sum + worker.papers, 0)).toBe(PAPERS);
    expect(status.coordinators.some((c) => c.finished && c.committedPapers === PAPERS)).toBe(true);
  });

  it('kill -9 of a worker mid-job: its job is taken by the other worker', async () => {
    const [a] = workers.filter((worker) => worker !== otherModel);
    const marks = new Map(workers.map((worker) => [worker, worker.output().length]));
    const markA = marks.get(a!)!;
    const dataDir = newDataDir();
    const run = startIngest(dataDir);
    const [, job] = await a!.waitFor(/job (\w{12}): embedding/, 30_000, markA);
    await a!.kill9();
    startWorker(redis.url()); // a replacement, for the next tests; it loads its model meanwhile
    expect(await run.exited, run.output()).toBe(0);
    expect(embeddedBy(a!, markA).has(job!)).toBe(false);
    // Recovered as a stalled job once its lock expired, and embedded by another worker.
    const others = workers.filter((worker) => worker !== a && worker !== otherModel);
    expect(others.map((worker) => embeddedBy(worker, marks.get(worker) ?? 0).get(job!))).toContain(CHUNK);
    expect(run.output()).toMatch(/added 160, .*embedded 160, vectors pending 0/);
    expectSameAsBaseline(dataDir);
  });

  it('kill -9 of the coordinator: the rerun commits the rest, re-embedding nothing', async () => {
    const live = workers.filter((worker) => worker !== otherModel);
    const marks = live.map((worker) => worker.output().length);
    const dataDir = newDataDir();
    const first = startIngest(dataDir);
    await waitUntil(() => committedVectors(dataDir) >= 3 * CHUNK, 30_000, 'three committed chunks');
    await first.kill9();
    const committed = committedVectors(dataDir);
    expect(committed).toBeLessThan(PAPERS);
    const rerun = startIngest(dataDir);
    expect(await rerun.exited, rerun.output()).toBe(0);
    expect(rerun.output()).toContain(`added ${PAPERS - committed}, updated 0, unchanged ${committed}`);
    expectSameAsBaseline(dataDir);
    // Every paper was embedded exactly once over both runs: jobs the dead coordinator left were
    // found by the rerun (same ids), committed vectors were never asked for again.
    const jobs = live.map((worker, i) => embeddedBy(worker, marks[i]));
    expect(jobs.reduce((sum, j) => sum + total(j), 0)).toBe(PAPERS);
  });

  it('a Redis restart that loses every job: the coordinator queues the missing ones again', async () => {
    const dataDir = newDataDir();
    const run = startIngest(dataDir);
    await waitUntil(() => committedVectors(dataDir) >= 2 * CHUNK, 30_000, 'two committed chunks');
    await redis.kill();
    await redis.start(); // no persistence: an empty Redis
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/is no longer in Redis \(restarted without persistence\?\); queued again/);
    expect(run.output()).toMatch(/added 160, .*embedded 160, vectors pending 0/);
    expectSameAsBaseline(dataDir);
  });

  it('a worker with another model refuses the job; the coordinator reports why; a matching worker then embeds it', async () => {
    const url = redis.url(1); // a queue of its own: no matching worker yet
    const other = otherModel;
    const dataDir = newDataDir();
    const run = startIngest(dataDir, url);
    expect(await other.exited).toBe(1);
    expect(other.output()).toMatch(/refused job \w{12}: model spec differs: the job needs dtype="q8", this worker has dtype="fp32"/);
    await run.waitFor(
      /warning: embedding job \w{12} attempt 1 failed: refused by worker \S+: model spec differs: the job needs dtype="q8", this worker has dtype="fp32"/,
    );
    startWorker(url);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/added 160, .*embedded 160, vectors pending 0/);
    expectSameAsBaseline(dataDir);
  });
});
