// GET /metrics: the server's Prometheus metrics (prom-client, text format 0.0.4).
//   - HTTP: requests and their latency by method, route (the route's pattern, `/papers/:id`;
//     `(unmatched)` for 404/405) and status;
//   - search: latency by mode, and by mode and stage (embed, vector, keyword, hydrate), told by
//     SearchService's observer;
//   - the model: query texts sent to it and query-cache hits;
//   - the index: papers, pending vectors, the generation served, reloads;
//   - sync: each source's status, last sync, last success and high-water mark (as /health);
//   - the process: prom-client's default Node metrics.
// With `serve --workers N` every worker keeps its own registry; the worker that answers /metrics
// asks the primary, which collects every listening worker's metrics and sums them (prom-client's
// AggregatorRegistry; gauges of the shared index take the maximum, sync gauges the first).
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;
import type { SearchObserver } from '../search/search-service.ts';
import type { Health } from './schemas.ts';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** One answered request, as the metrics and the request log see it. */
export interface RequestRecord {
  method: string;
  /** The matched route's pattern (`/papers/:id`), `(unmatched)` when no route answered. */
  route: string;
  status: number;
  ms: number;
  /** The error a handler threw (answered 500 by the error handler). */
  error?: Error;
}

/** Middleware, registered first: tells each observer about every request once it is answered. */
export function observeRequests(...observers: ((record: RequestRecord) => void)[]): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const record: RequestRecord = { method: c.req.method, route: routeOf(c), status: c.res.status, ms: performance.now() - started };
      if (c.error) record.error = c.error;
      for (const observe of observers) observe(record);
    }
  };
}

/** The pattern of the route that answered: the last matched route with a method (middleware is ALL). */
function routeOf(c: Context): string {
  try {
    const routes = matchedRoutes(c);
    for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  } catch {
    // No match result (a request answered before routing): unmatched.
  }
  return '(unmatched)';
}

export interface MetricsSources {
  /** /health's numbers: papers, pending vectors, the query cache, model readiness, sync. */
  health(): Health;
  /** The index generation being served. */
  generation(): number;
}

export interface ServerMetricsOptions {
  /** Read at each scrape; until set, the index gauges are absent. */
  sources?: MetricsSources;
  /** prom-client's default process and Node metrics (off in tests that build many apps). */
  processMetrics?: boolean;
  /** Answers /metrics for the whole cluster (a worker asks the primary); default: this process. */
  cluster?: () => Promise<string>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SYNC_STATUSES = ['never', 'running', 'ok', 'failed'] as const;

export class ServerMetrics {
  readonly registry = new Registry();
  /** For SearchService's options: search and stage latencies. */
  readonly observer: SearchObserver;
  sources: MetricsSources | undefined;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly reloads: Counter;
  private readonly cluster: (() => Promise<string>) | undefined;
  /** /health as read by the scrape under way; cleared before each one. */
  private snapshot: { health: Health | undefined } | undefined;

  constructor(options: ServerMetricsOptions = {}) {
    this.sources = options.sources;
    this.cluster = options.cluster;
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    // The health numbers once per scrape, for the several gauges that read them (a scrape starts
    // with none: see collected()).
    const health = (): Health | undefined => {
      if (metrics.snapshot === undefined) metrics.snapshot = { health: metrics.sources?.health() };
      return metrics.snapshot.health;
    };

    this.requests = new Counter({
      name: 'paperseek_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'paperseek_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to its answer (waiting for a time slice included), by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const searchSeconds = new Histogram({
      name: 'paperseek_search_duration_seconds',
      help: 'Searches answered, by the mode asked for.',
      labelNames: ['mode'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const stageSeconds = new Histogram({
      name: 'paperseek_search_stage_duration_seconds',
      help: 'Time per search stage: embed (the query vector: model call or query cache), vector (HNSW), keyword (BM25), hydrate (papers from SQLite), by the mode that ran.',
      labelNames: ['mode', 'stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.observer = {
      searched: (mode, seconds) => searchSeconds.observe({ mode }, seconds),
      stage: (mode, stage, seconds) => stageSeconds.observe({ mode, stage }, seconds),
    };

    // Counters kept by the query encoder, read at scrape time.
    const cacheCounter = (name: string, help: string, read: (stats: NonNullable<Health['query_cache']>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const stats = health()?.query_cache;
          this.reset();
          if (stats) this.inc(read(stats));
        },
      });
    cacheCounter(
      'paperseek_model_calls_total',
      'Query texts sent to the embedding model (query-cache misses; queries arriving together share one model run).',
      (s) => s.misses,
    );
    cacheCounter('paperseek_query_cache_hits_total', 'Query embeddings answered from the query cache.', (s) => s.hits);

    const indexGauge = (name: string, help: string, read: (h: Health) => number) =>
      new Gauge({
        name,
        help,
        registers,
        aggregator: 'max',
        collect() {
          const h = health();
          if (h) this.set(read(h));
        },
      });
    indexGauge('paperseek_papers', 'Papers in the index.', (h) => h.papers);
    indexGauge('paperseek_pending_vectors', 'Papers stored without a vector yet (ingested without a model).', (h) => h.pending_vectors);
    indexGauge('paperseek_model_ready', '1 when the embedding model is loaded (semantic and hybrid search work), else 0.', (h) => (h.model.ready ? 1 : 0));
    new Gauge({
      name: 'paperseek_index_generation',
      help: 'The published index generation being served.',
      registers,
      aggregator: 'max',
      collect() {
        const sources = metrics.sources;
        if (sources) this.set(sources.generation());
      },
    });
    this.reloads = new Counter({ name: 'paperseek_index_reloads_total', help: 'Newer index generations loaded while serving.', registers });

    const syncGauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (gauge: Gauge<L>, sync: Health['sync']) => void) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        aggregator: 'first',
        collect() {
          const sync = health()?.sync;
          this.reset();
          if (sync) fill(this, sync);
        },
      });
    const seconds = (iso: string | null) => (iso === null ? undefined : Date.parse(iso) / 1000);
    syncGauge(
      'paperseek_sync_status',
      "Each sync source's state: 1 for its current status (never, running, ok, failed), 0 for the others.",
      ['source', 'status'],
      (gauge, sync) => {
        for (const s of sync) for (const status of SYNC_STATUSES) gauge.set({ source: s.source, status }, s.status === status ? 1 : 0);
      },
    );
    const timestamp = (name: string, help: string, read: (s: Health['sync'][number]) => string | null) =>
      syncGauge(name, help, ['source'], (gauge, sync) => {
        for (const s of sync) {
          const value = seconds(read(s));
          if (value !== undefined && Number.isFinite(value)) gauge.set({ source: s.source }, value);
        }
      });
    timestamp(
      'paperseek_sync_last_sync_timestamp_seconds',
      "When each source's last sync ended (started, while running), Unix seconds.",
      (s) => s.last_sync_at,
    );
    timestamp('paperseek_sync_last_success_timestamp_seconds', "When each source's last successful sync ended, Unix seconds.", (s) => s.last_success_at);
    timestamp(
      'paperseek_sync_high_water_timestamp_seconds',
      "Each source's high-water mark (the date its next sync continues from), Unix seconds.",
      (s) => s.high_water,
    );
    syncGauge('paperseek_sync_resumable', '1 when a sync of the source was interrupted and the next one resumes it.', ['source'], (gauge, sync) => {
      for (const s of sync) gauge.set({ source: s.source }, s.resumable ? 1 : 0);
    });
  }

  /** For observeRequests. */
  readonly onRequest = (record: RequestRecord): void => {
    const labels = { method: record.method, route: record.route, status: String(record.status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, record.ms / 1000);
  };

  /** A newer index generation was loaded. */
  noteReload(): void {
    this.reloads.inc();
  }

  /** This process's metrics, for the primary to aggregate. */
  json(): Promise<MetricsJson> {
    return this.collected(() => this.registry.getMetricsAsJSON());
  }

  /** What GET /metrics answers: the cluster's metrics, or this process's. */
  text(): Promise<string> {
    return this.cluster ? this.cluster() : this.collected(() => this.registry.metrics());
  }

  /** One scrape of this process's registry, reading /health afresh once for all its gauges. */
  private async collected<T>(scrape: () => Promise<T>): Promise<T> {
    this.snapshot = undefined;
    try {
      return await scrape();
    } finally {
      this.snapshot = undefined;
    }
  }
}

/** The primary's part: the workers' metrics (from ServerMetrics.json) as one, in text format. */
export function aggregateMetrics(parts: unknown[]): Promise<string> {
  return AggregatorRegistry.aggregate(parts as MetricsJson[]).metrics();
}

/** GET /metrics. */
export function metricsHandler(metrics: ServerMetrics) {
  return async (c: Context): Promise<Response> => c.body(await metrics.text(), 200, { 'content-type': METRICS_CONTENT_TYPE });
}
