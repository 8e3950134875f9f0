// A populated index can be served (and evaluated) while another process holds its write lock — an
// ingest adding papers: `serve` looks at the index as a reader first and only takes the lock when
// there is something to write (an empty index, a model spec to record). Issue 14's first fault.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Health, SearchResponse } from '../../src/api/schemas.ts';
import { WriteLock } from '../../src/store/write-lock.ts';
import { runCli, startServer } from '../support/cli.ts';
import { SAMPLE_FILE, tempDir } from '../support/fixtures.ts';
import { sharedFile } from '../support/shared.ts';

const dir = tempDir();
const env = {
  PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
  PAPERSEEK_MODEL_DIR: inject('modelsDir'),
  PAPERSEEK_MODEL: 'lexical',
  HOST: '127.0.0.1',
};
let lock: WriteLock | undefined;

beforeAll(async () => {
  const ingest = await runCli(['ingest', '--captured-year', '2025', SAMPLE_FILE], env);
  expect(ingest.code, ingest.stderr).toBe(0);
  lock = WriteLock.acquire(env.PAPERSEEK_DATA_DIR);
}, 60_000);

afterAll(() => {
  lock?.release();
  dir.remove();
});

describe('while another process holds the write lock', () => {
  for (const workers of ['1', '2']) {
    it(`serve --workers ${workers} starts and answers from the populated index`, async () => {
      const server = await startServer({ ...env, PAPERSEEK_WORKERS: workers });
      try {
        // The ready event, from the one process or from the cluster's primary once every worker listens.
        expect(server.ready).toMatchObject({ event: 'ready', workers: Number(workers), papers: 68 });
        expect(server.ready.pids).toHaveLength(Number(workers));
        const health = (await (await fetch(`${server.base}/health`)).json()) as Health;
        expect(health.papers).toBe(68);
        const search = (await (await fetch(`${server.base}/search?q=diffusion&mode=keyword`)).json()) as SearchResponse;
        expect(search.results.length).toBeGreaterThan(0);
      } finally {
        const exited = new Promise((resolve) => server.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        await exited;
      }
    }, 60_000);
  }

  it('eval reads without asking for the lock', async () => {
    const run = await runCli(['eval', '--queries', sharedFile('eval/queries.public.jsonl'), '--mode', 'keyword', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).papers).toBe(68);
  }, 60_000);
});
