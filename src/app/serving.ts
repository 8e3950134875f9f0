// The serving application: the search service over a store, wired to the HTTP app with request
// time slicing, metrics and the request log. `serve` (each worker), benchmarks and tests build it
// here instead of reaching into the CLI.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../api/app.ts';
import { ServerMetrics } from '../api/metrics.ts';
import { toHealth } from '../api/present.ts';
import { TimeSlicer } from '../api/time-slicer.ts';
import type { AppConfig } from '../config.ts';
import { requestLogger, type Logger } from '../log/logger.ts';
import { SearchService, type ModelSlot } from '../search/search-service.ts';
import type { PaperReader } from '../store/paper-store.ts';
import { syncReporter } from '../sync/schedule.ts';

/**
 * The app `serve` answers with: search over `store`, request work in event-loop slices, /metrics
 * (`clusterMetrics`: a worker's, for the whole cluster) and, with a `logger`, one log line per request.
 */
export function servingApp(
  store: PaperReader,
  model: ModelSlot,
  config: AppConfig,
  { logger, clusterMetrics }: { logger?: Logger; clusterMetrics?: () => Promise<string> } = {},
): { app: OpenAPIHono; search: SearchService; metrics: ServerMetrics } {
  const slicer = config.sliceMs > 0 ? new TimeSlicer(config.sliceMs) : undefined;
  const metrics = new ServerMetrics({ processMetrics: true, ...(clusterMetrics && { cluster: clusterMetrics }) });
  const search = new SearchService(store, model, { ...config.search, observer: metrics.observer }, slicer, syncReporter(config.dataDir, config.sync));
  metrics.sources = { health: () => toHealth(search.status()), generation: () => store.generation };
  return { app: createApp({ search, slicer, metrics, ...(logger && { onRequest: requestLogger(logger) }) }), search, metrics };
}
