// The `serve` command's wiring (config → embedder → store → SearchService → Hono app, the ready
// event once listening: src/log/ready.ts) with
// embedder knobs that have no environment variable yet, for A/B runs of the query section:
//   BENCH_COALESCE=0|1  coalesce concurrent queries into one model call (embedder default: 1)
//   BENCH_SPINNING=0|1  onnxruntime intra-op threads busy-wait between calls (onnxruntime default: 1)
import { serve } from '@hono/node-server';
import { servingApp } from '../../src/app/serving.ts';
import { createLogger } from '../../src/log/logger.ts';
import { logReady } from '../../src/log/ready.ts';
import { loadConfig } from '../../src/config.ts';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder.ts';
import { bindModel } from '../../src/app/runtime.ts';
import { PaperStore } from '../../src/store/paper-store.ts';

const config = loadConfig(process.env);
const embedder = await TransformersEmbedder.create({
  ...config.embedding,
  coalesceQueries: process.env.BENCH_COALESCE !== '0',
  spinning: process.env.BENCH_SPINNING !== '0',
});
const store = PaperStore.open({ dataDir: config.dataDir, hnsw: config.hnsw });
bindModel(store, embedder);
const { app } = servingApp(store, { embedder }, config);
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, ({ port }) =>
  logReady(createLogger({ level: config.logLevel }), { host: config.host ?? null, port, workers: 1, pids: [process.pid], papers: store.count() }),
);
process.once('SIGTERM', () => server.close(() => process.exit(0)));
