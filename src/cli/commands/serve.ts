// `paperseek serve`: load the model, open the index (ingesting the bundled sample into an empty
// one), and answer HTTP until SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import { createApp } from '../../api/app.ts';
import type { AppConfig } from '../../config.ts';
import { SearchService } from '../../search/search-service.ts';
import { loadModel, openStore } from '../runtime.ts';
import { SAMPLE_CAPTURED_YEAR, SAMPLE_FILE } from '../sample.ts';
import { ingestFiles } from './ingest.ts';

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
