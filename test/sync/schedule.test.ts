// `serve` keeping itself current: the PAPERSEEK_SYNC setting (good and bad items), /health's
// `sync` list, and the real server (`serve`, two workers) running its scheduled syncs against the
// loopback replay server (./replay-server.ts): each source synced in a child process, one at a
// time, /health showing status and high-water mark, the synced papers searchable without a
// restart, and a sync under way stopped with the server.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { AppError } from '../../src/errors.ts';
import { addDays, isoDate } from '../../src/sync/source.ts';
import { WriteLock } from '../../src/store/write-lock.ts';
import { startSyncScheduler, syncCommand, syncReporter } from '../../src/sync/schedule.ts';
import { startServer } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { HF_DAYS, HF_ITEMS, OAI_IDS, replayEnv, startReplayServer, type ReplayServer } from './replay-server.ts';

const syncsOf = (value: string) => loadConfig({ PAPERSEEK_SYNC: value }).sync;

describe('PAPERSEEK_SYNC', () => {
  it('reads sources with intervals in seconds, minutes, hours and days', () => {
    expect(syncsOf('hf-daily@6h,arxiv:cs@24h, arxiv:physics:hep-th@12h ,arxiv:math@30m,arxiv:stat@1d,arxiv:q-bio@90s')).toEqual([
      { source: 'hf-daily', args: ['hf-daily'], intervalMs: 6 * 3_600_000, every: '6h' },
      { source: 'arxiv:cs', args: ['arxiv', '--set', 'cs'], intervalMs: 24 * 3_600_000, every: '24h' },
      { source: 'arxiv:physics:hep-th', args: ['arxiv', '--set', 'physics:hep-th'], intervalMs: 12 * 3_600_000, every: '12h' },
      { source: 'arxiv:math', args: ['arxiv', '--set', 'math'], intervalMs: 30 * 60_000, every: '30m' },
      { source: 'arxiv:stat', args: ['arxiv', '--set', 'stat'], intervalMs: 86_400_000, every: '1d' },
      { source: 'arxiv:q-bio', args: ['arxiv', '--set', 'q-bio'], intervalMs: 90_000, every: '90s' },
    ]);
  });

  it('is empty when unset or empty', () => {
    expect(loadConfig({}).sync).toEqual([]);
    expect(syncsOf('')).toEqual([]);
  });

  it.each([
    ['hf-daily', 'hf-daily', /no interval/],
    ['hf-daily@', 'hf-daily@', /bad interval ""/],
    ['hf-daily@6x', 'hf-daily@6x', /bad interval "6x"/],
    ['hf-daily@1.5h', 'hf-daily@1.5h', /bad interval/],
    ['hf-daily@-1h', 'hf-daily@-1h', /bad interval/],
    ['hf-daily@h', 'hf-daily@h', /bad interval/],
    ['hf-daily@0s', 'hf-daily@0s', /between 1s and 366d/],
    ['arxiv:cs@400d', 'arxiv:cs@400d', /between 1s and 366d/],
    ['hf-daily@6h,pubmed@1d', 'pubmed@1d', /unknown source "pubmed"/],
    ['arxiv@1d', 'arxiv@1d', /unknown source "arxiv"/],
    ['arxiv:@1d', 'arxiv:@1d', /unknown source/],
    ['arxiv:c s@1d', 'arxiv:c s@1d', /unknown source/],
    ['hf-daily@6h,,arxiv:cs@1d', 'hf-daily@6h,,arxiv:cs@1d', /empty item/],
    ['hf-daily@6h,hf-daily@1d', 'hf-daily@1d', /listed twice/],
  ])('rejects %s with BAD_CONFIG naming the item', (value, item, problem) => {
    let error: unknown;
    try {
      loadConfig({ PAPERSEEK_SYNC: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_CONFIG');
    expect((error as Error).message).toContain('PAPERSEEK_SYNC');
    expect((error as Error).message).toContain(`"${item}"`);
    expect((error as Error).message).toMatch(problem);
  });
});

describe('the scheduler pieces', () => {
  it('runs this checkout’s CLI through tsx, whatever the working directory', () => {
    const [command, args] = syncCommand(syncsOf('arxiv:physics:hep-th@1h')[0]!);
    expect(command).toBe(process.execPath);
    expect(args[0]).toBe('--import');
    expect(args[1]).toMatch(/^file:\/\/.*\/tsx\/dist\/loader\.mjs$/);
    expect(args[2]).toBe(path.resolve('src/cli/main.ts'));
    expect(args.slice(3)).toEqual(['sync', 'arxiv', '--set', 'physics:hep-th']);
  });

  it('skips a round while another process holds the write lock, and tries again one interval later', async () => {
    const locked = tempDir();
    const lock = WriteLock.acquire(locked.path);
    const lines: string[] = [];
    const scheduler = startSyncScheduler({ dataDir: locked.path, syncs: syncsOf('hf-daily@1s'), log: (line) => lines.push(line) });
    try {
      const deadline = Date.now() + 5000;
      while (lines.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.slice(0, 2)).toEqual(Array(2).fill(`paperseek: sync hf-daily skipped: another process is writing to ${locked.path}; next in 1s`));
    } finally {
      await scheduler.stop();
      lock.release();
      locked.remove();
    }
  });

  it('lists scheduled sources as never synced before there is an index', () => {
    const empty = tempDir();
    try {
      expect(syncReporter(empty.path, [])()).toEqual([]);
      expect(syncReporter(empty.path, syncsOf('hf-daily@6h'))()).toEqual([
        { source: 'hf-daily', status: 'never', last_sync_at: null, last_success_at: null, high_water: null, error: null, resumable: false, every: '6h' },
      ]);
    } finally {
      empty.remove();
    }
  });
});

describe('serve with PAPERSEEK_SYNC', () => {
  const dir = tempDir();
  const OAI_SET = 'physics:hep-th';
  let replay: ReplayServer;
  let child: ChildProcess;
  let base: string;
  let log: () => string;
  const yesterday = addDays(isoDate(new Date()), -1);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver log:\n${log()}`);
      await sleep(100);
    }
  }

  const getJson = async (pathAndQuery: string) => (await (await fetch(base + pathAndQuery)).json()) as any;

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    replay = await startReplayServer();
    // The first sync of hf-daily reaches back 7 days: list one captured paper on yesterday.
    HF_DAYS[yesterday] = [HF_ITEMS[0]];
    ({ child, base, log } = await startServer({
      PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
      PAPERSEEK_MODEL_DIR: inject('modelsDir'),
      PAPERSEEK_MODEL: 'lexical',
      PAPERSEEK_RELOAD_MS: '100',
      PAPERSEEK_WORKERS: '2',
      HOST: '127.0.0.1',
      PAPERSEEK_SYNC: `hf-daily@2s,arxiv:${OAI_SET}@2s`,
      ...replayEnv(replay, { PAPERSEEK_ARXIV_DELAY_MS: '50' }),
    }));
  });

  afterAll(async () => {
    delete HF_DAYS[yesterday];
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const match of log?.().matchAll(/started \(pid (\d+)/g) ?? []) if (alive(Number(match[1]))) process.kill(Number(match[1]), 'SIGKILL');
    await replay?.close();
    dir.remove();
  });

  it('syncs each source in a child process, one at a time, and shows it in /health; the papers become searchable', async () => {
    const health = await until('both sources synced in /health', 20_000, async () => {
      const body = await getJson('/health');
      const ok = body.sync.length === 2 && body.sync.every((s: any) => s.status === 'ok' && s.high_water !== null);
      return ok ? body : undefined;
    });
    expect(health.sync).toEqual([
      expect.objectContaining({
        source: 'hf-daily',
        status: 'ok',
        high_water: yesterday,
        error: null,
        resumable: false,
        every: '2s',
        last_sync_at: expect.any(String),
      }),
      expect.objectContaining({ source: `arxiv:${OAI_SET}`, status: 'ok', high_water: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), every: '2s' }),
    ]);
    // Both workers reload what the syncs published.
    const hfPaper = HF_ITEMS[0]!.paper.id;
    const query = encodeURIComponent('Constitutional Midtraining alignment');
    await until(`/search finding ${hfPaper} in every worker`, 5000, async () => {
      const answers = await Promise.all([1, 2, 3, 4].map(() => getJson(`/search?q=${query}&mode=keyword&k=3`)));
      return answers.every((a) => a.results?.[0]?.id === hfPaper) ? true : undefined;
    });
    await until('the harvested arXiv papers in every worker', 5000, async () => {
      const statuses = await Promise.all(OAI_IDS.flatMap((id) => [1, 2].map(async () => (await fetch(`${base}/papers/${id}`)).status)));
      return statuses.every((status) => status === 200) ? true : undefined;
    });

    // One scheduler (the primary's), one child at a time: every start is followed by its end before the next start.
    await until('a second round', 10_000, async () => ((log().match(/sync \S+ started/g)?.length ?? 0) >= 3 ? true : undefined));
    const events = [...log().matchAll(/paperseek: sync (\S+) (started|exited with code (\d+)|was stopped by \w+|skipped)/g)].map((m) =>
      m[2] === 'started' ? 'start' : 'end',
    );
    for (let i = 0; i < events.length; i++) expect(events[i], `event ${i} of ${events.join(' ')}`).toBe(i % 2 === 0 ? 'start' : 'end');
    expect(log()).not.toMatch(/exited with code [1-9]/);
  });

  it('stops a sync under way (SIGTERM) when the server stops', async () => {
    // The next HF request hangs: that sync stays under way until it is stopped.
    replay.fault = (request) => (request.route === 'hf' ? { hang: true } : undefined);
    const seen = replay.requests.length;
    await replay.waitFor((request) => request.route === 'hf' && replay.requests.indexOf(request) >= seen);
    const pid = Number([...log().matchAll(/sync hf-daily started \(pid (\d+)/g)].at(-1)![1]);
    expect(alive(pid)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(log()).toMatch(/sync hf-daily was stopped by SIGTERM/);
  });
});
