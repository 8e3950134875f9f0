// `paperseek serve`: load the model, open the index (ingesting the bundled sample into an empty
// one), and answer HTTP until SIGINT/SIGTERM.
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Command } from 'commander';
import { createApp } from '../../api/app.ts';
import { DB_FILE } from '../../store/database.ts';
import { serveWithLimits } from '../../api/connection-limits.ts';
import { TimeSlicer } from '../../api/time-slicer.ts';
import { loadConfig, type AppConfig } from '../../config.ts';
import type { Embedder } from '../../embed/embedder.ts';
import { SearchService, type ModelSlot } from '../../search/search-service.ts';
import type { PaperStore } from '../../store/paper-store.ts';
import { integerIn } from '../options.ts';
import { loadModel, openStore } from '../runtime.ts';
import { SAMPLE_CAPTURED_YEAR, SAMPLE_FILE } from '../sample.ts';
import { ingestSources } from '../../ingest/ingest-sources.ts';
import { createSourceProgress } from '../progress.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API, the web UI (/) and the API reference (/docs); ingests the bundled sample first when the index is empty')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)', integerIn(0, 65535))
    .action(async (options: { port?: number }) => {
      const config = loadConfig(process.env);
      await serveCommand({ ...config, port: options.port ?? config.port });
    });
}

export async function serveCommand(config: AppConfig): Promise<void> {
  const model = await loadModel(config, { forServing: true });
  if (model.error) console.error(`warning: ${model.error.message}\nServing without a model: keyword search works; semantic search answers 503, hybrid falls back to keyword.`);
  await ingestSampleIfEmpty(config, model.embedder);
  // The server only reads: ingests run in other processes and publish new index generations,
  // which it picks up on its next poll (a whole file, loaded then swapped in).
  const store = openStore(config, 'reader');
  if (model.embedder) store.bind({ ...model.embedder.spec, dims: model.embedder.dims });
  const reload = config.reloadMs > 0 ? setInterval(() => refresh(store), config.reloadMs) : undefined;
  reload?.unref();
  const { app, search } = servingApp(store, model, config);
  // SQLite's quick_check on a worker thread: /health says `unchecked` until it ends, then ok/corrupt.
  void search.checkStorage(path.join(config.dataDir, DB_FILE)).catch((error: unknown) => console.error('storage check failed:', error));
  // Build the web UI now, so a broken UI shows at start rather than on a user's first visit.
  if (!(await app.request('/ui/app.js')).ok) console.error('warning: the web UI failed to build (error above); the API works');
  // Request deadlines (408), idle limits and connection caps (503 per address): see api/connection-limits.ts.
  const server = serveWithLimits({ fetch: app.fetch, port: config.port, hostname: config.host }, config.connections, (info) => {
    console.error(`paperseek: ${store.count()} papers, listening on http://${config.host ?? 'localhost'}:${info.port}`);
  });
  const shutdown = () => {
    clearInterval(reload);
    server.close(() => {
      store.close();
      void model.embedder?.dispose();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** The app `serve` answers with: search over `store`, request work in event-loop slices. */
export function servingApp(store: PaperStore, model: ModelSlot, config: AppConfig): { app: OpenAPIHono; search: SearchService } {
  const slicer = config.sliceMs > 0 ? new TimeSlicer(config.sliceMs) : undefined;
  const search = new SearchService(store, model, config.search, slicer);
  return { app: createApp({ search, slicer }), search };
}

async function ingestSampleIfEmpty(config: AppConfig, embedder: Embedder | undefined): Promise<void> {
  const store = openStore(config);
  try {
    if (embedder) store.bind({ ...embedder.spec, dims: embedder.dims });
    if (store.count() > 0) return;
    console.error(`empty index in ${config.dataDir}: ingesting the bundled sample ${SAMPLE_FILE}`);
    const progress = createSourceProgress();
    try {
      await ingestSources([SAMPLE_FILE], { capturedYear: SAMPLE_CAPTURED_YEAR }, store, embedder, {
        onProgress: (p) => progress.update(p),
        log: (line) => progress.log(line),
      });
    } finally {
      progress.finish();
    }
  } finally {
    store.close();
  }
}

function refresh(store: PaperStore): void {
  try {
    store.refresh();
  } catch (error) {
    // A failed reload keeps serving the generation already loaded.
    console.error('index reload failed; still serving the previous generation:', error);
  }
}
