// `paperseek serve`: load the model, open the index (ingesting the bundled sample into an empty
// one), and answer HTTP until SIGINT/SIGTERM. With --workers N > 1, N worker processes answer on
// the one port and this process supervises them (../serve-cluster.ts).
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { aggregateMetrics, type ServerMetrics } from '../../api/metrics.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { logReady } from '../../log/ready.ts';
import { databasePath, storeExists } from '../../store/database.ts';
import { serveWithLimits } from '../../api/connection-limits.ts';
import { loadConfig, type AppConfig } from '../../config.ts';
import type { Embedder } from '../../embed/embedder.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { SearchService, ModelSlot } from '../../search/search-service.ts';
import { quickCheckOffThread, type StorageStatus } from '../../store/health.ts';
import type { PaperReader, PaperWriter } from '../../store/paper-store.ts';
import { integerIn } from '../options.ts';
import { bindModel, loadModel, openStore } from '../../app/runtime.ts';
import { servingApp } from '../../app/serving.ts';
import { SAMPLE_CAPTURED_YEAR, SAMPLE_FILE } from '../sample.ts';
import { serveCluster } from '../serve-cluster.ts';
import { ingestSources } from '../../ingest/ingest-sources.ts';
import { createSourceProgress } from '../progress.ts';
import { startSyncScheduler } from '../../sync/schedule.ts';
import { type CommandContext, type OutputStream, println } from '../context.ts';

const MAX_WORKERS = 256;

export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('serve the HTTP API, the web UI (/) and the API reference (/docs); ingests the bundled sample first when the index is empty')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)', integerIn(0, 65535))
    .option(
      '-w, --workers <n>',
      'worker processes answering on the one port (default: $PAPERSEEK_WORKERS or the number of cores; 1: serve in this process)',
      integerIn(1, MAX_WORKERS),
    )
    .action(async (options: { port?: number; workers?: number }) => {
      const loaded = loadConfig(context.env);
      const config = { ...loaded, port: options.port ?? loaded.port };
      const workers = options.workers ?? workersFromEnvironment(context.env) ?? os.availableParallelism();
      // A worker runs this same command line; it counts the same N and so takes the cluster path.
      if (workers === 1 && cluster.isPrimary) await serveCommand(config, context);
      else await serveCluster(clusterPlan(config, workers, context));
    });
}

/** PAPERSEEK_WORKERS, validated like the other PAPERSEEK_* settings; undefined when unset. */
function workersFromEnvironment(environment: NodeJS.ProcessEnv): number | undefined {
  const value = environment.PAPERSEEK_WORKERS;
  if (value === undefined || value === '') return undefined;
  try {
    return integerIn(1, MAX_WORKERS)(value);
  } catch (error) {
    throw new AppError('BAD_CONFIG', `Invalid configuration: PAPERSEEK_WORKERS: ${(error as Error).message}`);
  }
}

/** The server's log (pino, JSON lines) on the command's stdout; pretty on a terminal. */
function serverLogger(config: AppConfig, context: CommandContext): Logger {
  if (context.stdout === process.stdout) return createLogger({ level: config.logLevel });
  return createLogger({ level: config.logLevel, destination: { write: (line: string) => void context.stdout.write(line) } });
}

export async function serveCommand(config: AppConfig, context: CommandContext): Promise<void> {
  const logger = serverLogger(config, context);
  const model = await loadModel(config, { forServing: true });
  if (model.error) warnNoModel(logger, model.error);
  await ingestSampleIfEmpty(config, async () => model.embedder, context.stderr);
  const serving = await startServing(config, model, { checkStorage: true, buildUi: true, logger }).catch(async (error: unknown) => {
    await model.embedder?.dispose();
    throw error;
  });
  // For people, on stderr; scripts and tests wait for the ready event in the log (src/log/ready.ts).
  println(context.stderr, `paperseek: ${serving.store.count()} papers, listening on http://${config.host ?? 'localhost'}:${serving.port}`);
  logReady(logger, {
    host: config.host ?? null,
    port: serving.port,
    workers: 1,
    pids: [process.pid],
    papers: serving.store.count(),
    generation: serving.store.generation,
  });
  // PAPERSEEK_SYNC: the syncs run in child processes; this process reloads what they publish.
  const scheduler = startSyncScheduler({ dataDir: config.dataDir, syncs: config.sync });
  const shutdown = () => {
    void Promise.all([serving.close(), scheduler.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** `serve --workers N`: what the primary does once, and what each worker serves. */
function clusterPlan(config: AppConfig, workers: number, context: CommandContext) {
  const dbFile = databasePath(config.dataDir);
  return {
    workers,
    host: config.host,
    // Opening the index as a writer (quick_check at open, the sample ingest, recording the model's
    // spec) happens once, here: workers only read. The model is loaded only when there is
    // something to ingest or record, and let go before the workers load their own.
    async prepare() {
      let loaded: ModelSlot | undefined;
      try {
        await ingestSampleIfEmpty(config, async () => (loaded = await loadModel(config)).embedder, context.stderr);
      } finally {
        await loaded?.embedder?.dispose();
      }
    },
    // PAPERSEEK_SYNC: once per server, in the primary.
    startBackground: () => startSyncScheduler({ dataDir: config.dataDir, syncs: config.sync }),
    // The ready event, once for the whole cluster (the workers log `worker started` each).
    ready: ({ port, papers, pids }: { port: number; papers: number; pids: number[] }) =>
      void logReady(serverLogger(config, context), { host: config.host ?? null, port, workers, pids, papers }),
    async checkStorage(): Promise<StorageStatus> {
      try {
        return (await quickCheckOffThread(dbFile)).status;
      } catch (error) {
        serverLogger(config, context).error({ err: error }, 'storage check failed');
        return 'unchecked';
      }
    },
    // /metrics of a worker: every worker's metrics, collected by the primary, summed.
    aggregateMetrics,
    async serve({ first, onServer, clusterMetrics }: { first: boolean; onServer: (server: Server) => void; clusterMetrics: () => Promise<string> }) {
      const logger = serverLogger(config, context);
      const model = await loadModel(config, { forServing: true });
      // Start-up notes are the same in every worker: the first one prints them.
      if (model.error && first) warnNoModel(logger, model.error);
      const serving = await startServing(config, model, { checkStorage: false, buildUi: first, onServer, logger, clusterMetrics }).catch(
        async (error: unknown) => {
          await model.embedder?.dispose();
          throw error;
        },
      );
      logger.info({ port: serving.port, papers: serving.store.count(), generation: serving.store.generation }, 'worker started');
      return {
        port: serving.port,
        papers: serving.store.count(),
        // The verdict of the primary's one quick_check (one per worker would read the database N times).
        noteStorage: (status: StorageStatus) => serving.search.noteStorage(status),
        metricsJson: () => serving.metrics.json(),
        close: () => serving.close(),
      };
    },
  };
}

function warnNoModel(logger: Logger, error: Error): void {
  logger.warn(`${error.message}\nServing without a model: keyword search works; semantic search answers 503, hybrid falls back to keyword.`);
}

interface Serving {
  server: Server;
  port: number;
  store: PaperReader;
  search: SearchService;
  metrics: ServerMetrics;
  /** Stops accepting, lets requests in flight finish, then closes the index and the model. */
  close(): Promise<void>;
}

/** Opens the index as a reader and answers HTTP on it; resolves once listening. */
async function startServing(
  config: AppConfig,
  model: ModelSlot,
  options: { checkStorage: boolean; buildUi: boolean; onServer?: (server: Server) => void; logger: Logger; clusterMetrics?: () => Promise<string> },
): Promise<Serving> {
  const { logger } = options;
  // The server only reads: ingests run in other processes and publish new index generations,
  // which it picks up on its next poll (a whole file, loaded then swapped in).
  const store = openStore(config, 'reader');
  let reload: NodeJS.Timeout | undefined;
  try {
    bindModel(store, model.embedder);
    const { app, search, metrics } = servingApp(store, model, config, { logger, clusterMetrics: options.clusterMetrics });
    reload = config.reloadMs > 0 ? setInterval(() => refresh(store, logger, metrics), config.reloadMs) : undefined;
    reload?.unref();
    // SQLite's quick_check on a worker thread: /health says `unchecked` until it ends, then ok/corrupt.
    if (options.checkStorage)
      void search.checkStorage(databasePath(config.dataDir)).catch((error: unknown) => logger.error({ err: error }, 'storage check failed'));
    search.prepareKeywordSearch();
    // Build the web UI now, so a broken UI shows at start rather than on a user's first visit.
    if (options.buildUi && !(await app.request('/ui/app.js')).ok) logger.warn('the web UI failed to build (error above); the API works');
    // Request deadlines (408), idle limits and connection caps (503 per address): see api/connection-limits.ts.
    const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
      const server = serveWithLimits({ fetch: app.fetch, port: config.port, hostname: config.host }, config.connections, (info) => {
        server.off('error', reject);
        resolve({ server, port: info.port });
      });
      server.once('error', (error) => reject(listenError(error, config)));
      options.onServer?.(server);
    });
    return {
      server,
      port,
      store,
      search,
      metrics,
      close: () =>
        new Promise((resolve) => {
          clearInterval(reload);
          server.close(() => {
            store.close();
            void model.embedder?.dispose();
            resolve();
          });
        }),
    };
  } catch (error) {
    clearInterval(reload);
    store.close();
    throw error;
  }
}

function listenError(error: NodeJS.ErrnoException, config: AppConfig): Error {
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES' && error.code !== 'EADDRNOTAVAIL') return error;
  return new AppError(
    'BAD_CONFIG',
    `Cannot listen on ${config.host ?? 'all interfaces'} port ${config.port}: ${error.message}. Set PORT (or --port), or HOST, to one that is free.`,
    undefined,
    { cause: error },
  );
}

/**
 * Opens the index as a writer (which runs quick_check and takes the write lock), records the
 * model's spec on first use and ingests the bundled sample into an empty index. `embedder` is
 * asked for only when there is something to ingest or record.
 */
async function ingestSampleIfEmpty(config: AppConfig, embedder: () => Promise<Embedder | undefined>, stderr: OutputStream): Promise<void> {
  // A populated index with a model on record needs nothing written: look as a reader first, so an
  // ingest holding the write lock never keeps the server from starting ("serving while ingesting").
  if (storeExists(config.dataDir)) {
    const reader = openStore(config, 'reader');
    try {
      if (reader.count() > 0 && reader.spec) return;
    } finally {
      reader.close();
    }
  }
  let store: PaperWriter;
  try {
    store = openStore(config);
  } catch (error) {
    // Someone else is writing (an ingest filling this index): serve what they publish.
    if (isAppError(error) && error.code === 'STORAGE_BUSY') {
      println(stderr, `${error.message} Serving the index as it is; the model's spec and any sample ingest are left to that writer.`);
      return;
    }
    throw error;
  }
  try {
    const count = store.count();
    if (count > 0 && store.spec) return;
    const model = await embedder();
    bindModel(store, model);
    if (count > 0) return;
    println(stderr, `empty index in ${config.dataDir}: ingesting the bundled sample ${SAMPLE_FILE}`);
    const progress = createSourceProgress(stderr);
    try {
      await ingestSources([SAMPLE_FILE], { capturedYear: SAMPLE_CAPTURED_YEAR }, store, model, {
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

function refresh(store: PaperReader, logger: Logger, metrics: ServerMetrics): void {
  try {
    if (store.refresh()) {
      metrics.noteReload();
      logger.info({ generation: store.generation, papers: store.count() }, 'index reloaded');
    }
  } catch (error) {
    // A failed reload keeps serving the generation already loaded.
    logger.error({ err: error, generation: store.generation }, 'index reload failed; still serving the previous generation');
  }
}
