// GET /metrics: Prometheus text format (read back with a real parser), counters that move with
// requests, search latency by mode and stage, the index and sync gauges; the request log; and
// `serve --workers 2`, whose /metrics sums every worker's.
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
// @ts-expect-error: the package ships no types; see Family below for what it returns.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { ServerMetrics } from '../../src/api/metrics.ts';
import { toHealth } from '../../src/api/present.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import { createLogger, requestLogger } from '../../src/log/logger.ts';
import { DEFAULT_SEARCH_OPTIONS, SearchService } from '../../src/search/search-service.ts';
import { readSource } from '../../src/sources/index.ts';
import type { PaperWriter } from '../../src/store/paper-store.ts';
import { startServer } from '../support/cli.ts';
import { openTestStore, SAMPLE_FILE, tempDir, testEmbedder } from '../support/fixtures.ts';

interface Family {
  name: string;
  help: string;
  type: string;
}

interface Scrape {
  /** Metric families as parse-prometheus-text-format reads them (it throws on a malformed line). */
  families: Map<string, Family>;
  /** Every sample line: `name{labels} value`. The parser flattens labelled histograms, so their _count lines are read from here. */
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))$/;

function parse(text: string): Scrape {
  const families = parsePrometheusTextFormat(text) as Family[];
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(SAMPLE);
    const [, name, labelText, number] = SAMPLE.exec(line)!;
    const labels = Object.fromEntries(
      [...(labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, JSON.parse(`"${m[2]}"`) as string]),
    );
    samples.push({ name: name!, labels, value: Number(number) });
  }
  for (const family of families) expect(family.type).toMatch(/^(COUNTER|GAUGE|HISTOGRAM|SUMMARY)$/);
  return { families: new Map(families.map((family) => [family.name, family])), samples };
}

/** The sum of the samples named `name` with these labels (0 when none). */
function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples.filter((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v)).reduce((sum, s) => sum + s.value, 0);
}

/** A histogram's observation count for these labels. */
const count = (scrape: Scrape, name: string, labels: Record<string, string> = {}) => value(scrape, `${name}_count`, labels);

describe('/metrics in one process', () => {
  const dir = tempDir();
  let store: PaperWriter;
  let embedder: Embedder;
  let app: ReturnType<typeof createApp>;
  const logged: any[] = [];

  beforeAll(async () => {
    embedder = await testEmbedder('lexical');
    store = openTestStore(dir.path);
    const { records } = await readSource(SAMPLE_FILE, { capturedYear: 2025 });
    await ingestRecords(records, store, embedder);
    store.save();
    const metrics = new ServerMetrics();
    const sync = [
      {
        source: 'hf-daily',
        status: 'ok' as const,
        last_sync_at: '2025-01-17T06:00:00.000Z',
        last_success_at: '2025-01-17T06:00:00.000Z',
        high_water: '2025-01-16',
        error: null,
        resumable: false,
        every: '6h',
      },
    ];
    const search = new SearchService(store, { embedder }, { ...DEFAULT_SEARCH_OPTIONS, observer: metrics.observer }, undefined, () => sync);
    metrics.sources = { health: () => toHealth(search.status()), generation: () => store.generation };
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) logged.push(JSON.parse(line));
        done();
      },
    });
    app = createApp({ search, metrics, onRequest: requestLogger(createLogger({ destination })) });
  });
  afterAll(async () => {
    store.close();
    await embedder.dispose();
    dir.remove();
  });

  const scrape = async () => {
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parse(await response.text());
  };

  it('is Prometheus text whose counters move after requests', async () => {
    const before = await scrape();
    expect(before.families.get('paperseek_http_requests_total')?.type).toBe('COUNTER');
    expect(before.families.get('paperseek_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    const searchesBefore = value(before, 'paperseek_http_requests_total', { route: '/search', status: '200' });

    for (const mode of ['hybrid', 'semantic', 'keyword', 'hybrid']) expect((await app.request(`/search?q=diffusion%20models&mode=${mode}`)).status).toBe(200);
    expect((await app.request('/search?k=0&q=x')).status).toBe(400);
    const id = store.ids()[0]!;
    expect((await app.request(`/papers/${encodeURIComponent(id)}`)).status).toBe(200);
    expect((await app.request('/papers/no-such-paper')).status).toBe(404);
    expect((await app.request('/no/such/route')).status).toBe(404);

    const after = await scrape();
    const requests = (labels: Record<string, string>) => value(after, 'paperseek_http_requests_total', labels);
    expect(requests({ method: 'GET', route: '/search', status: '200' })).toBe(searchesBefore + 4);
    expect(requests({ route: '/search', status: '400' })).toBe(1);
    // The route's pattern, not the path: one series for every paper.
    expect(requests({ route: '/papers/:id', status: '200' })).toBe(1);
    expect(requests({ route: '/papers/:id', status: '404' })).toBe(1);
    expect(requests({ route: '(unmatched)', status: '404' })).toBe(1);
    expect(requests({ route: '/metrics', status: '200' })).toBe(1);
    expect(count(after, 'paperseek_http_request_duration_seconds', { route: '/search', status: '200' })).toBe(searchesBefore + 4);

    expect(count(after, 'paperseek_search_duration_seconds', { mode: 'hybrid' })).toBe(2);
    expect(count(after, 'paperseek_search_duration_seconds', { mode: 'keyword' })).toBe(1);
    for (const stage of ['embed', 'vector', 'keyword', 'hydrate'])
      expect(count(after, 'paperseek_search_stage_duration_seconds', { mode: 'hybrid', stage })).toBe(2);
    expect(count(after, 'paperseek_search_stage_duration_seconds', { mode: 'semantic', stage: 'vector' })).toBe(1);
    expect(count(after, 'paperseek_search_stage_duration_seconds', { mode: 'keyword', stage: 'keyword' })).toBe(1);
    expect(count(after, 'paperseek_search_stage_duration_seconds', { mode: 'keyword', stage: 'embed' })).toBe(0);

    // The same query three times with a model: one model call, then the query cache.
    expect(value(after, 'paperseek_model_calls_total')).toBe(1);
    expect(value(after, 'paperseek_query_cache_hits_total')).toBe(2);
    expect(value(after, 'paperseek_papers')).toBe(68);
    expect(value(after, 'paperseek_pending_vectors')).toBe(0);
    expect(value(after, 'paperseek_model_ready')).toBe(1);
    expect(value(after, 'paperseek_index_generation')).toBe(store.generation);
    expect(value(after, 'paperseek_index_reloads_total')).toBe(0);
    expect(value(after, 'paperseek_sync_status', { source: 'hf-daily', status: 'ok' })).toBe(1);
    expect(value(after, 'paperseek_sync_status', { source: 'hf-daily', status: 'failed' })).toBe(0);
    expect(value(after, 'paperseek_sync_high_water_timestamp_seconds', { source: 'hf-daily' })).toBe(Date.parse('2025-01-16') / 1000);
  });

  it('logs one line per request: method, route, status, ms', async () => {
    logged.length = 0;
    await app.request('/papers/no-such-paper');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 30, msg: 'request', method: 'GET', route: '/papers/:id', status: 404 });
    expect(typeof logged[0].ms).toBe('number');
    expect(typeof logged[0].time).toBe('string');
  });
});

describe('/metrics with serve --workers 2', () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer({
      PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
      PAPERSEEK_MODEL_DIR: inject('modelsDir'),
      PAPERSEEK_MODEL: 'lexical',
      PAPERSEEK_WORKERS: '2',
      HOST: '127.0.0.1',
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await new Promise((resolve) => server?.child.once('exit', resolve));
    dir.remove();
  });

  /** GET on a connection of its own, so the primary's round-robin alternates workers. */
  const get = (pathAndQuery: string) =>
    new Promise<{ status: number; worker: number; text: string }>((resolve, reject) => {
      http
        .get(`${server.base}${pathAndQuery}`, { agent: false }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, worker: Number(response.headers['x-paperseek-worker']), text }));
        })
        .on('error', reject);
    });

  it("sums every worker's metrics, whichever worker answers", async () => {
    const workers = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const answer = await get('/health');
      expect(answer.status).toBe(200);
      workers.add(answer.worker);
    }
    expect(workers.size).toBe(2);
    for (let i = 0; i < 2; i++) {
      const answer = await get('/metrics');
      expect(answer.status).toBe(200);
      const families = parse(answer.text);
      expect(value(families, 'paperseek_http_requests_total', { route: '/health', status: '200' })).toBe(10);
      expect(value(families, 'paperseek_http_requests_total', { route: '/metrics' })).toBe(i);
      // Gauges of the one index are not added up across workers.
      expect(value(families, 'paperseek_papers')).toBe(68);
    }
  });
});
