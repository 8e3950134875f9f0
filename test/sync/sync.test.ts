// `paperseek sync` as a user runs it (the real CLI in a child process) against a loopback server
// replaying the real captured HF, OAI-PMH and arXiv API responses (./replay-server.ts): full and
// incremental syncs, resumption tokens followed to the end, Retry-After waited out, a body cut
// off mid-way retried, a source down for good (exit 1, nothing fetched lost, the rerun resumes),
// kill -9 mid-sync then rerun = one uninterrupted sync, and one paper from HF and arXiv stored once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Embedder } from '../../src/embed/embedder.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { arxivOaiSource } from '../../src/sync/arxiv-oai.ts';
import { arxivQuerySource } from '../../src/sync/arxiv-query.ts';
import { loadSyncSettings } from '../../src/sync/config.ts';
import { hfDailySource } from '../../src/sync/hf-daily.ts';
import { PoliteClient } from '../../src/sync/http.ts';
import type { SyncSource } from '../../src/sync/source.ts';
import { SyncStateStore, syncStatus } from '../../src/sync/state.ts';
import { formatSyncSummary, syncSource, type SyncSummary } from '../../src/sync/sync.ts';
import { runCli } from '../support/cli.ts';
import { HNSW, openTestStore, tempDir, testEmbedder } from '../support/fixtures.ts';
import { ATOM_COUNT, HF_DAYS, HF_ITEMS, OAI_IDS, replayEnv, startReplayServer, type LoggedRequest, type ReplayServer } from './replay-server.ts';

const ARXIV_DELAY_MS = 150;
const OAI_SET = 'physics:hep-th';
const OAI_ARGS = ['sync', 'arxiv', '--set', OAI_SET, '--from', '2017-12-14'];

const dir = tempDir('paperseek-sync-');
let server: ReplayServer;
let embedder: Embedder;
beforeAll(async () => {
  server = await startReplayServer();
  // The model the CLI runs load (PAPERSEEK_MODEL=tiny), so both kinds of run may share a data dir.
  embedder = await testEmbedder('tiny');
});
afterEach(() => {
  server.fault = undefined;
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  await embedder.dispose();
  dir.remove();
});

const dataDir = (name: string) => path.join(dir.path, name);
const envFor = (name: string, overrides: Record<string, string> = {}) => ({
  PAPERSEEK_DATA_DIR: dataDir(name),
  PAPERSEEK_MODEL_DIR: inject('modelsDir'),
  PAPERSEEK_MODEL: 'tiny',
  ...replayEnv(server, { PAPERSEEK_ARXIV_DELAY_MS: String(ARXIV_DELAY_MS), ...overrides }),
});
const sync = (name: string, args: string[], overrides?: Record<string, string>) => runCli(args, envFor(name, overrides));

type SourceFactory = (settings: ReturnType<typeof loadSyncSettings>) => SyncSource;
const hf =
  (from: string | undefined, to: string): SourceFactory =>
  (s) =>
    hfDailySource({ apiUrl: s.hfApiUrl, client: new PoliteClient(s.hf), from, to });
const oai =
  (from?: string): SourceFactory =>
  (s) =>
    arxivOaiSource({ oaiUrl: s.arxivOaiUrl, client: new PoliteClient(s.arxiv), set: OAI_SET, from });
const query =
  (from?: string): SourceFactory =>
  (s) =>
    arxivQuerySource({ apiUrl: s.arxivApiUrl, client: new PoliteClient(s.arxiv), query: 'all:electron AND all:proton', pageSize: 4, from });

/**
 * The use case in this process (what `paperseek sync` runs, without a process and a model load
 * per run); the CLI itself is run where its output and exit code are the point.
 */
async function syncHere(name: string, factory: SourceFactory, chunkSize?: number): Promise<{ summary: SyncSummary; line: string; log: string }> {
  const lines: string[] = [];
  const settings = loadSyncSettings(envFor(name), (line) => lines.push(line));
  const store = openTestStore(dataDir(name));
  const states = SyncStateStore.open(dataDir(name));
  try {
    const summary = await syncSource(factory(settings), store, states, embedder, { chunkSize }, { log: (line) => lines.push(line) });
    return { summary, line: formatSyncSummary(summary), log: lines.join('\n') };
  } finally {
    states.close();
    store.close();
  }
}

/** Every stored paper with its vector, by id. */
function storedPapers(name: string): Map<string, { record: PaperRecord; vector: number[] | null }> {
  const store = PaperStore.open({ dataDir: dataDir(name), hnsw: HNSW, role: 'reader' });
  try {
    return new Map(
      store.ids().map((id) => {
        const vector = store.vectorOf(id)?.vector;
        return [id, { record: store.get(id)!, vector: vector ? [...vector] : null }];
      }),
    );
  } finally {
    store.close();
  }
}

/** Same papers, same records, same vectors (up to float noise: a batch's padding shifts the last digits). */
function expectSameState(name: string, reference: string): void {
  const actual = storedPapers(name);
  const expected = storedPapers(reference);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, { record, vector }] of expected) {
    expect(actual.get(id)!.record).toEqual(record);
    const got = actual.get(id)!.vector!;
    expect(got).toHaveLength(vector!.length);
    expect(Math.max(...got.map((value, i) => Math.abs(value - vector![i]!)))).toBeLessThan(1e-4);
  }
}

const oaiRequests = () => server.requests.filter((r) => r.route === 'oai');
const tokenOf = (r: LoggedRequest) => r.params.get('resumptionToken');

describe('sync hf-daily', () => {
  it('fetches each day of the range, then only the new days, and never adds a paper twice', async () => {
    const first = await sync('hf', ['sync', 'hf-daily', '--from', '2026-07-29', '--to', '2026-08-02']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('sync hf-daily: 5 days, read 3, added 3, updated 0, skipped 0');
    expect(first.stderr).toMatch(/sync hf-daily: \d+ pages? \| \d+ records \| [\d,]+\/s/); // progress: pages, records, rate
    expect(server.requests.map((r) => r.params.get('date'))).toEqual(['2026-07-29', '2026-07-30', '2026-07-31', '2026-08-01', '2026-08-02']);
    expect(server.requests[0]!.userAgent).toMatch(/^paperseek\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/\S+; mailto:tests@example\.org\)$/);
    const papers = storedPapers('hf');
    expect([...papers.keys()].sort()).toEqual(HF_ITEMS.map((item) => item.paper.id).sort());
    expect(papers.get('2607.26654')!.record).toMatchObject({ upvotes: 3, github_url: 'https://github.com/desBugger/constitutional-mt' });
    expect(papers.get('2607.26654')!.vector).not.toBeNull();
    expect(syncStatus(dataDir('hf'))).toEqual([expect.objectContaining({ source: 'hf-daily', status: 'ok', highWater: '2026-08-02', resumable: false })]);

    // Without --from: from the day after the high-water mark.
    server.requests.length = 0;
    const next = await syncHere('hf', hf(undefined, '2026-08-04'));
    expect(server.requests.map((r) => r.params.get('date'))).toEqual(['2026-08-03', '2026-08-04']);
    expect(next.line).toContain('sync hf-daily: 2 days, read 0, added 0, updated 0, skipped 0');

    // The same range again: everything read, nothing added or changed.
    const again = await syncHere('hf', hf('2026-07-29', '2026-08-02'));
    expect(again.line).toContain('sync hf-daily: 5 days, read 3, added 0, updated 0, skipped 0 (unchanged 3');
    expect(storedPapers('hf').size).toBe(3);
  });
});

describe('sync arxiv --set (OAI-PMH)', () => {
  it('follows the resumption tokens to the end, one request per configured delay', async () => {
    const run = await syncHere('oai-full', oai('2017-12-14'));
    expect(run.line).toContain(`sync arxiv:${OAI_SET}: 3 pages, read 3, added 3, updated 0, skipped 0`);
    const requests = oaiRequests();
    expect(requests.map((r) => r.params.get('resumptionToken') ?? `${r.params.get('metadataPrefix')} ${r.params.get('set')} ${r.params.get('from')}`)).toEqual([
      `arXiv ${OAI_SET} 2017-12-14`,
      'page-1',
      'page-2',
    ]);
    // arXiv's politeness: each request at least the configured delay after the previous one.
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(ARXIV_DELAY_MS);
    expect([...storedPapers('oai-full').keys()].sort()).toEqual([...OAI_IDS].sort());
    expect(syncStatus(dataDir('oai-full'))).toEqual([
      expect.objectContaining({ source: `arxiv:${OAI_SET}`, status: 'ok', highWater: '2017-12-14', resumable: false }),
    ]);

    // Incremental: from the high-water mark (inclusive), the same records read again and unchanged.
    server.requests.length = 0;
    const again = await syncHere('oai-full', oai());
    expect(oaiRequests()[0]!.params.get('from')).toBe('2017-12-14');
    expect(again.line).toContain(`sync arxiv:${OAI_SET}: 3 pages, read 3, added 0, updated 0, skipped 0 (unchanged 3`);
  });

  it('waits out a 503 with Retry-After: 1', async () => {
    server.fault = (request, repeat) =>
      request.route === 'oai' && tokenOf(request) === 'page-1' && repeat === 0 ? { status: 503, headers: { 'retry-after': '1' } } : undefined;
    const run = await syncHere('oai-503', oai('2017-12-14'));
    const page1 = oaiRequests().filter((r) => tokenOf(r) === 'page-1');
    expect(page1).toHaveLength(2);
    expect(page1[1]!.at - page1[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(run.log).toContain('HTTP 503 Service Unavailable (Retry-After: 1 s); trying again');
    expect(run.line).toContain('read 3, added 3');
  });

  it('fetches a page again when its body breaks off mid-way (connection reset)', async () => {
    server.fault = (request, repeat) => (request.route === 'oai' && tokenOf(request) === 'page-1' && repeat === 0 ? { reset: true } : undefined);
    const run = await syncHere('oai-reset', oai('2017-12-14'));
    expect(oaiRequests().filter((r) => tokenOf(r) === 'page-1')).toHaveLength(2);
    expect(run.log).toContain('the response body broke off');
    expect(run.line).toContain('read 3, added 3, updated 0, skipped 0');
    expect([...storedPapers('oai-reset').keys()].sort()).toEqual([...OAI_IDS].sort());
  });

  it('a source down for good: exit 1 naming source, URL and error; what came before is kept; the rerun resumes', async () => {
    server.fault = (request) => (request.route === 'oai' && tokenOf(request) === 'page-2' ? { status: 500, body: 'internal error' } : undefined);
    const run = await sync('oai-down', OAI_ARGS);
    expect(run.code).toBe(1);
    const error = run.stderr.split('\n').find((line) => line.startsWith('error: '));
    expect(error).toContain(`sync arxiv:${OAI_SET} stopped`);
    expect(error).toContain(`${server.base}/oai?verb=ListRecords&resumptionToken=page-2`);
    expect(error).toContain('HTTP 500');
    expect(run.stderr).toContain(`sync arxiv:${OAI_SET}: 2 pages, read 2, added 2`);
    expect(oaiRequests().filter((r) => tokenOf(r) === 'page-2')).toHaveLength(3); // 1 + PAPERSEEK_SYNC_RETRIES
    expect([...storedPapers('oai-down').keys()].sort()).toEqual(OAI_IDS.slice(0, 2).sort());
    expect(syncStatus(dataDir('oai-down'))).toEqual([
      expect.objectContaining({ status: 'failed', resumable: true, highWater: null, error: expect.stringContaining('resumptionToken=page-2') }),
    ]);

    server.fault = undefined;
    server.requests.length = 0;
    const rerun = await syncHere('oai-down', oai('2017-12-14'));
    expect(oaiRequests().map(tokenOf)).toEqual(['page-2']);
    expect(rerun.log).toContain('resuming the harvest');
    expectSameState('oai-down', 'oai-full');
  });

  it('kill -9 mid-sync, then the same command again: the state of one uninterrupted sync', async () => {
    // The third page never answers the first time: the sync is killed while waiting for it.
    let hung = false;
    server.fault = (request) => {
      if (hung || request.route !== 'oai' || tokenOf(request) !== 'page-2') return undefined;
      hung = true;
      return { hang: true };
    };
    const env = { ...process.env, ...envFor('oai-killed') };
    // node itself with tsx's loader, so the kill hits the process holding the store (not a wrapper).
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), ...OAI_ARGS, '--chunk-size', '1'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await server.waitFor((r) => r.route === 'oai' && tokenOf(r) === 'page-2');
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    expect(syncStatus(dataDir('oai-killed'))).toEqual([expect.objectContaining({ status: 'running', resumable: true })]);
    expect([...storedPapers('oai-killed').keys()].sort()).toEqual(OAI_IDS.slice(0, 2).sort());

    server.requests.length = 0;
    const rerun = await syncHere('oai-killed', oai('2017-12-14'));
    expect(oaiRequests().map(tokenOf)).toEqual(['page-2']); // continued with the saved token
    expect(rerun.line).toContain(`sync arxiv:${OAI_SET}: 1 pages, read 1, added 1`);
    expectSameState('oai-killed', 'oai-full');
    const [killed] = syncStatus(dataDir('oai-killed'));
    const [uninterrupted] = syncStatus(dataDir('oai-full'));
    expect(killed).toMatchObject({ status: 'ok', highWater: uninterrupted!.highWater, resumable: false });
  });
});

describe('sync arxiv --query (arXiv API)', () => {
  it('pages by start/max_results to the end, then an incremental run stops at the high-water mark', async () => {
    const run = await syncHere('query', query('2000-01-01'));
    const queries = server.requests.filter((r) => r.route === 'query');
    expect(queries.map((r) => `${r.params.get('start')}+${r.params.get('max_results')}`)).toEqual(['0+4', '4+4', '8+4', '10+4']);
    expect(queries[0]!.params.get('search_query')).toBe('all:electron AND all:proton');
    for (let i = 1; i < queries.length; i++) expect(queries[i]!.at - queries[i - 1]!.at).toBeGreaterThanOrEqual(ARXIV_DELAY_MS);
    expect(run.line).toContain(`read ${ATOM_COUNT}, added ${ATOM_COUNT}, updated 0, skipped 0`);
    expect(storedPapers('query').has('nucl-ex/0408020')).toBe(true);
    const [status] = syncStatus(dataDir('query'));
    expect(status).toMatchObject({ source: 'arxiv-query:all:electron AND all:proton', highWater: '2021-05-19', status: 'ok' });

    // Newest first: the first page is all older than the high-water mark, so one request is enough.
    server.requests.length = 0;
    const again = await syncHere('query', query());
    expect(server.requests.filter((r) => r.route === 'query')).toHaveLength(1);
    expect(again.line).toContain('read 4, added 0, updated 0, skipped 0 (unchanged 4');
  });
});

describe('one paper from two sources', () => {
  // The captured HF item of 2607.26654, listed as the paper arXiv's OAI sample has as 1507.07790:
  // the same paper seen on HF and on arXiv (only paper.id differs from the captured bytes).
  const item = HF_ITEMS[0] as { paper: Record<string, unknown> };
  const SAME_PAPER = { ...item, paper: { ...item.paper, id: '1507.07790' } };

  it('is stored once, with arXiv bibliography and HF upvotes/links, whichever source comes first', async () => {
    HF_DAYS['2026-08-10'] = [SAME_PAPER];
    try {
      const day = hf('2026-08-10', '2026-08-10');
      await syncHere('hf-first', day);
      const merge = await syncHere('hf-first', oai('2017-12-14'));
      expect(merge.line).toContain('read 3, added 2, updated 1, skipped 0');
      await syncHere('arxiv-first', oai('2017-12-14'));
      const hfAfter = await syncHere('arxiv-first', day);
      expect(hfAfter.line).toContain('read 1, added 0, updated 1, skipped 0');

      const hfFirst = storedPapers('hf-first');
      const arxivFirst = storedPapers('arxiv-first');
      expect([...hfFirst.keys()].sort()).toEqual([...OAI_IDS].sort());
      const merged = hfFirst.get('1507.07790')!.record;
      expect(merged).toMatchObject({
        title: 'Relativistic quantum dynamics of vector bosons in an Aharonov-Bohm potential',
        categories: ['hep-th', 'math-ph', 'math.MP', 'quant-ph'],
        doi: '10.1088/1751-8121/aa9c53',
        upvotes: 3,
        github_url: 'https://github.com/desBugger/constitutional-mt',
        project_url: 'https://www.lesswrong.com/posts/n5htoDGvKKJFAjji2',
      });
      expect(merged.extra).toMatchObject({ journal_ref: 'J. Phys. A: Math. Theor. 51 (2018) 035201', githubStars: expect.any(Number) });
      expect(arxivFirst.get('1507.07790')!.record).toEqual(merged);
      const [a, b] = [arxivFirst.get('1507.07790')!.vector!, hfFirst.get('1507.07790')!.vector!];
      expect(Math.max(...a.map((value, i) => Math.abs(value - b[i]!)))).toBeLessThan(1e-4);

      // Both sources again: nothing changes.
      expect((await syncHere('hf-first', day)).line).toContain('read 1, added 0, updated 0, skipped 0 (unchanged 1');
      expect((await syncHere('hf-first', oai('2017-12-14'))).line).toContain('read 3, added 0, updated 0, skipped 0 (unchanged 3');
    } finally {
      delete HF_DAYS['2026-08-10'];
    }
  });
});
