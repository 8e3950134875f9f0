// Builds the concrete parts from configuration: the embedder (or why it failed) and the store.
// Shared by the CLI commands; the only place besides config.ts that knows about the environment.
import type { AppConfig } from '../config.ts';
import { TransformersEmbedder } from '../embed/transformers-embedder.ts';
import { isAppError } from '../errors.ts';
import type { ModelSlot } from '../search/types.ts';
import { PaperStore } from '../store/paper-store.ts';

export async function loadModel(config: AppConfig): Promise<ModelSlot> {
  try {
    return { embedder: await TransformersEmbedder.create(config.embedding) };
  } catch (error) {
    if (isAppError(error)) return { error };
    throw error;
  }
}

export function openStore(config: AppConfig): PaperStore {
  return PaperStore.open({ dataDir: config.dataDir, hnsw: config.hnsw, log: (line) => console.error(line) });
}
