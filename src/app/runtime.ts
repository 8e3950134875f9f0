// Builds the concrete parts from configuration: the embedder (or why it failed) and the store.
// Shared by the CLI commands, the server and scripts; the only place besides config.ts that knows
// about the environment.
import type { AppConfig } from '../config.ts';
import type { Embedder } from '../embed/embedder.ts';
import { TransformersEmbedder } from '../embed/transformers-embedder.ts';
import { AppError, isAppError } from '../errors.ts';
import type { ModelSlot } from '../search/types.ts';
import { storeExists } from '../store/database.ts';
import { PaperStore, type PaperReader, type PaperWriter } from '../store/paper-store.ts';

/**
 * `forServing`: onnxruntime threads do not busy-wait between calls, leaving the cores to the HTTP
 * event loop and SQLite (measured 1.4–1.5× req/s when serving; bulk ingest keeps spinning, ~11 %
 * faster — BENCHMARKS.md).
 */
export async function loadModel(config: AppConfig, { forServing = false } = {}): Promise<ModelSlot> {
  try {
    return { embedder: await TransformersEmbedder.create({ ...config.embedding, spinning: !forServing }) };
  } catch (error) {
    if (isAppError(error)) return { error };
    throw error;
  }
}

/**
 * Ties the store to the model that will embed queries or papers: records its spec on first use
 * (a writer), or refuses a model the index was not built with. Nothing to do without a model.
 */
export function bindModel(store: PaperReader, embedder: Embedder | undefined): void {
  if (embedder) store.bind({ ...embedder.spec, dims: embedder.dims });
}

/**
 * Writers (ingest, compact) hold the data dir's write lock and get a PaperWriter; readers (serve,
 * search…) get a PaperReader, which has no write methods.
 */
export function openStore(config: AppConfig, role?: 'writer'): PaperWriter;
export function openStore(config: AppConfig, role: 'reader'): PaperReader;
export function openStore(config: AppConfig, role: 'writer' | 'reader' = 'writer'): PaperReader {
  return PaperStore.open({
    dataDir: config.dataDir,
    hnsw: config.hnsw,
    role,
    log: (line) => console.error(line),
    postingsCacheBytes: config.postingsCacheBytes,
  });
}

/** The store for commands that only read: a missing index is an error, not a new empty one. */
export function openExistingStore(config: AppConfig): PaperReader {
  if (!storeExists(config.dataDir)) {
    throw new AppError(
      'NOT_FOUND',
      `No index in ${config.dataDir}: run \`paperseek ingest <files>\` (or \`paperseek serve\`) first, or set PAPERSEEK_DATA_DIR.`,
    );
  }
  return openStore(config, 'reader');
}
