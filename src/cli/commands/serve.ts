// `paperseek serve`: load the model, open the index (ingesting the bundled sample into an empty
// one), and answer HTTP until SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { createApp } from '../../api/app.ts';
import { loadConfig, type AppConfig } from '../../config.ts';
import { SearchService } from '../../search/search-service.ts';
import { integerIn } from '../options.ts';
import { loadModel, openStore } from '../runtime.ts';
import { SAMPLE_CAPTURED_YEAR, SAMPLE_FILE } from '../sample.ts';
import { ingestFiles } from './ingest.ts';

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
  const model = await loadModel(config);
  if (model.error) console.error(`warning: ${model.error.message}\nServing without a model: keyword search works; semantic search answers 503, hybrid falls back to keyword.`);
  const store = openStore(config);
  if (model.embedder) store.bind({ ...model.embedder.spec, dims: model.embedder.dims });
  if (store.count() === 0) {
    console.error(`empty index in ${config.dataDir}: ingesting the bundled sample ${SAMPLE_FILE}`);
    await ingestFiles([SAMPLE_FILE], { capturedYear: SAMPLE_CAPTURED_YEAR }, store, model.embedder);
  }
  const app = createApp({ search: new SearchService(store, model, config.search) });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.error(`paperseek: ${store.count()} papers, listening on http://${config.host ?? 'localhost'}:${info.port}`);
  });
  const shutdown = () => {
    server.close(() => {
      store.close();
      void model.embedder?.dispose();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
