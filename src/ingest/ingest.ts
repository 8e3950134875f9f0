// Brings a store up to date with a list of records: unchanged papers are skipped, changed
// metadata is updated in place, new or changed text is embedded, and papers stored earlier
// without a vector get one. Without a model, papers are stored (and keyword-searchable) with
// their vectors pending. Commits chunk by chunk so an interrupted ingest keeps finished work.
import type { Embedder } from '../embed/embedder.ts';
import type { PaperStore, PaperWrite } from '../store/paper-store.ts';
import type { PaperRecord } from '../sources/record.ts';
import { embeddingText, paperHashes } from './paper-text.ts';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Vectors computed in this run (new and changed papers, plus earlier pending ones). */
  embedded: number;
  /** Papers left without a vector because no model was available. */
  pending: number;
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
  embedder: Embedder | undefined,
  options: IngestOptions = {},
): Promise<IngestCounts> {
  if (embedder) store.bind({ ...embedder.spec, dims: embedder.dims });
  const counts = { added: 0, updated: 0, unchanged: 0 };
  const metadataOnly: PaperWrite[] = [];
  const textChanged: PaperWrite[] = [];
  for (const record of records) {
    const hashes = paperHashes(record);
    const state = store.state(record.id);
    if (!state) counts.added++;
    else if (state.recordHash === hashes.record) counts.unchanged++;
    else counts.updated++;
    if (state?.recordHash === hashes.record) continue;
    (state?.contentHash === hashes.content ? metadataOnly : textChanged).push({ record, hashes, vector: null });
  }
  store.write(metadataOnly);

  if (!embedder) {
    store.write(textChanged);
    store.save();
    return { ...counts, embedded: 0, pending: store.countPending() };
  }
  const changedIds = new Set(textChanged.map((write) => write.record.id));
  const pending = store.pending().filter((record) => !changedIds.has(record.id));
  const jobs: EmbedJob[] = [
    ...textChanged.map((write) => ({ record: write.record, toWrite: (vector: Float32Array) => ({ ...write, vector }) })),
    ...pending.map((record) => ({ record, toWrite: undefined })),
  ];
  await embedInChunks(jobs, store, embedder, options);
  store.save();
  return { ...counts, embedded: jobs.length, pending: 0 };
}

interface EmbedJob {
  record: PaperRecord;
  /** How to write the result: a full write for new/changed papers; undefined = attach the vector only. */
  toWrite: ((vector: Float32Array) => PaperWrite) | undefined;
}

async function embedInChunks(jobs: readonly EmbedJob[], store: PaperStore, embedder: Embedder, options: IngestOptions): Promise<void> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  options.onProgress?.({ done: 0, total: jobs.length });
  for (let start = 0; start < jobs.length; start += chunkSize) {
    const chunk = jobs.slice(start, start + chunkSize);
    const vectors = await embedder.embed(
      chunk.map(({ record }) => embeddingText(record)),
      'passage',
      (done) => options.onProgress?.({ done: start + done, total: jobs.length }),
    );
    const writes = chunk.flatMap((job, i) => (job.toWrite ? [job.toWrite(vectors[i]!)] : []));
    const attached = chunk.flatMap((job, i) => (job.toWrite ? [] : [{ id: job.record.id, vector: vectors[i]! }]));
    store.write(writes);
    if (attached.length > 0) store.attachVectors(attached);
  }
}
