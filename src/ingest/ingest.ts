// Brings a store up to date with a list of records: unchanged papers are skipped, changed
// metadata is updated in place, new or changed text is embedded. Commits chunk by chunk so an
// interrupted ingest keeps the work it finished.
import type { Embedder } from '../embed/embedder.ts';
import type { PaperStore, PaperWrite } from '../store/paper-store.ts';
import type { PaperRecord } from '../sources/record.ts';
import { embeddingText, paperHashes } from './paper-text.ts';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface IngestProgress {
  /** Papers embedded so far, of `total` that need embedding. */
  done: number;
  total: number;
}

export interface IngestOptions {
  /** Papers per SQLite transaction; a crash loses at most one chunk of embedding work. */
  chunkSize?: number;
  onProgress?: (progress: IngestProgress) => void;
}

const DEFAULT_CHUNK_SIZE = 256;

export async function ingestRecords(
  records: readonly PaperRecord[],
  store: PaperStore,
  embedder: Embedder,
  options: IngestOptions = {},
): Promise<IngestCounts> {
  store.bind({ ...embedder.spec, dims: embedder.dims });
  const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
  const metadataOnly: PaperWrite[] = [];
  const toEmbed: PaperWrite[] = [];
  for (const record of records) {
    const hashes = paperHashes(record);
    const state = store.state(record.id);
    if (!state) counts.added++;
    else if (state.recordHash === hashes.record) counts.unchanged++;
    else counts.updated++;
    if (state?.recordHash === hashes.record) continue;
    (state?.contentHash === hashes.content ? metadataOnly : toEmbed).push({ record, hashes, vector: null });
  }
  store.write(metadataOnly);

  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  options.onProgress?.({ done: 0, total: toEmbed.length });
  for (let start = 0; start < toEmbed.length; start += chunkSize) {
    const chunk = toEmbed.slice(start, start + chunkSize);
    const vectors = await embedder.embed(
      chunk.map(({ record }) => embeddingText(record)),
      'passage',
      (done) => options.onProgress?.({ done: start + done, total: toEmbed.length }),
    );
    store.write(chunk.map((write, i) => ({ ...write, vector: vectors[i]! })));
  }
  store.save();
  return counts;
}
