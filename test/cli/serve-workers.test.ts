// `serve --workers 2` (here through PAPERSEEK_WORKERS): one port answered by two worker processes,
// each of which picks up what an ingest publishes; a killed worker is replaced while the other
// keeps answering; SIGTERM stops them all. Each request opens its own connection, so the
// primary's round-robin hands successive requests to alternating workers; the
// `x-paperseek-worker` header says which one answered.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { ReadyEvent } from '../../src/log/ready.ts';
import { runCli, startServer } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

const dir = tempDir();
const env = {
  PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
  PAPERSEEK_MODEL_DIR: inject('modelsDir'),
  PAPERSEEK_MODEL: 'lexical',
  PAPERSEEK_RELOAD_MS: '100',
  PAPERSEEK_WORKERS: '2',
  HOST: '127.0.0.1',
};
const SAMPLE_PAPERS = 68;
const NEW_PAPERS = 30;

let child: ChildProcess;
let base: string;
let log: () => string;
let ready: ReadyEvent;
/** Every worker pid seen, so that afterAll can make sure none outlives the test. */
const seen = new Set<number>();

interface Answer {
  status: number;
  worker: number;
  body: any;
}

/** GET on a connection of its own (no keep-alive), so each request is a new connection for the round-robin. */
function get(pathAndQuery: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${pathAndQuery}`, { agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const worker = Number(response.headers['x-paperseek-worker']);
        if (worker) seen.add(worker);
        resolve({ status: response.statusCode!, worker, body: JSON.parse(text) });
      });
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error(`no answer to ${pathAndQuery} in 5 s`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver log:\n${log()}`);
    await sleep(50);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The worker pids the ready event names. */
const readyPids = () => [...ready.pids].sort();

beforeAll(async () => {
  ({ child, base, log, ready } = await startServer(env));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  dir.remove();
});

describe('serve --workers 2', () => {
  it('writes one ready event (and one ready line) naming both workers, once both listen, and both answer', async () => {
    expect(log().match(/"event":"ready"/g)).toHaveLength(1);
    expect(ready).toMatchObject({ event: 'ready', url: base, workers: 2, papers: SAMPLE_PAPERS });
    expect(ready.pids).toHaveLength(2);
    expect(log().match(/listening on \S+ \(2 workers, pids (\d+), (\d+)\)/g)).toHaveLength(1);
    // The empty data dir got the sample once (in the primary), not once per worker.
    expect(log().match(/ingesting the bundled sample/g)).toHaveLength(1);
    const pids = readyPids();
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/health')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect([...new Set(answers.map((a) => a.worker))].sort()).toEqual(pids);
    expect(answers.every((a) => a.body.papers === SAMPLE_PAPERS)).toBe(true);
    // The primary's quick_check verdict reaches every worker.
    await until('storage ok in every worker', 5000, async () => {
      const again = await Promise.all(Array.from({ length: 4 }, () => get('/health')));
      return again.every((a) => a.body.storage === 'ok') ? true : undefined;
    });
  });

  it('shows what an ingest publishes through every worker', async () => {
    const file = path.join(dir.path, 'new.jsonl');
    const papers = Array.from({ length: NEW_PAPERS }, (_, i) => ({
      id: `zymurgy-${i}`,
      title: `Zymurgy study ${i}`,
      abstract: `Spontaneous fermentation of lambic beer by wild yeasts, batch ${i}, with xylophone acoustics of the barrels.`,
    }));
    writeFileSync(file, papers.map((p) => JSON.stringify(p)).join('\n'));
    const ingest = await runCli(['ingest', file], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    // Each worker must show the new count and find the new papers by vector search (its reloaded
    // HNSW generation), in its latest answer.
    const current = new Map<number, boolean>();
    await until('the new papers in every worker', 10_000, async () => {
      const answers = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const [health, search] = await Promise.all([get('/health'), get('/search?q=zymurgy%20lambic%20fermentation&mode=semantic&k=3')]);
          expect([health.status, search.status]).toEqual([200, 200]);
          current.set(health.worker, health.body.papers === SAMPLE_PAPERS + NEW_PAPERS);
          current.set(search.worker, (current.get(search.worker) ?? true) && String(search.body.results?.[0]?.id).startsWith('zymurgy-'));
        }),
      );
      return answers && readyPids().every((pid) => current.get(pid)) ? true : undefined;
    });
  });

  it('replaces a worker killed with SIGKILL and keeps answering meanwhile', async () => {
    const [victim, survivor] = readyPids() as [number, number];
    process.kill(victim, 'SIGKILL');
    // A connection the primary hands to a worker in the instant between its death and the primary
    // noticing it is lost (node:cluster's round-robin); from the death notice on, the rest answer.
    const notice = `worker ${victim} was killed by SIGKILL; starting a replacement in 250 ms`;
    await until('the death notice', 5000, async () => (log().includes(notice) ? true : undefined));
    const answeredMeanwhile = new Set<number>();
    const replacement = await until('a replacement worker', 15_000, async () => {
      const match = new RegExp(`worker (\\d+) listening \\(replaces ${victim}\\)`).exec(log());
      if (match) return Number(match[1]);
      const answer = await get('/health');
      expect(answer.status).toBe(200);
      answeredMeanwhile.add(answer.worker);
      return undefined;
    });
    expect(answeredMeanwhile.has(survivor)).toBe(true);
    expect(answeredMeanwhile.has(victim)).toBe(false);
    expect(alive(victim)).toBe(false);
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/health')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect([...new Set(answers.map((a) => a.worker))].sort()).toEqual([survivor, replacement].sort());
    expect(answers.every((a) => a.body.papers === SAMPLE_PAPERS + NEW_PAPERS && a.body.storage === 'ok')).toBe(true);
  });

  it('stops every worker on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until('every worker to exit', 5000, async () => ([...seen].every((pid) => !alive(pid)) ? true : undefined));
  });
});
