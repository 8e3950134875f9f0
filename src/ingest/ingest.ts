// Brings a store up to date with a stream of records, chunk by chunk: unchanged papers are skipped,
// changed metadata is updated in place, new or changed text is embedded, and papers stored earlier
// without a vector get one at the end. Without a model, papers are stored (and keyword-searchable)
// with their vectors pending. Each chunk is one transaction, so an interrupted ingest keeps every
// finished chunk, and memory is bounded by the chunk size whatever the size of the input.
import type { Embedder } from '../embed/embedder.ts';
import type { PaperWrite, PaperWriter } from '../store/paper-store.ts';
import type { PaperHashes } from '../store/papers.ts';
import type { PaperRecord } from '../sources/record.ts';
import { chunked } from './chunked.ts';
import { embeddingText, paperHashes } from './paper-text.ts';

/** A record with its hashes (computed where the record was read: see ./read-thread.ts). */
export interface HashedRecord {
  record: PaperRecord;
  hashes: PaperHashes;
}

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
  /** Records taken from the input so far. */
  records: number;
  /** Vectors computed so far. */
  embedded: number;
}

export interface IngestOptions {
  /** Papers per SQLite transaction (and per embedding call); a crash loses at most one chunk of work. */
  chunkSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** For embedders that compute elsewhere (src/queue): several chunks in flight. Default: one at a time. */
  pipeline?: EmbedPipeline;
}

/**
 * Lets an embedder work on several chunks at once (workers on other machines). Chunks are still
 * committed in input order, each in its own transaction, once its vectors are back.
 */
export interface EmbedPipeline {
  /** Chunks whose vectors may be outstanding at once (1: embed, commit, then read on). */
  depth: number;
  /** Told when vectors an `embed` call returned are committed (the embedder may then drop its copy). */
  committed?(vectors: readonly Float32Array[]): void;
}

/** Papers waiting for their vectors, to be written in order. */
interface Outstanding {
  writes: PaperWrite[];
  vectors: Promise<Float32Array[]>;
}

export const DEFAULT_CHUNK_SIZE = 256;
/** Without a model a chunk costs little more than its SQLite writes, so larger transactions pay off. */
const KEYWORD_ONLY_CHUNK_SIZE = 2048;

export async function ingestRecords(
  records: Iterable<PaperRecord> | AsyncIterable<PaperRecord>,
  store: PaperWriter,
  embedder: Embedder | undefined,
  options: IngestOptions = {},
): Promise<IngestCounts> {
  return ingestHashed(withHashes(records), store, embedder, options);
}

async function* withHashes(records: Iterable<PaperRecord> | AsyncIterable<PaperRecord>): AsyncGenerator<HashedRecord> {
  for await (const record of records) yield { record, hashes: paperHashes(record) };
}

export async function ingestHashed(
  records: AsyncIterable<HashedRecord>,
  store: PaperWriter,
  embedder: Embedder | undefined,
  options: IngestOptions = {},
): Promise<IngestCounts> {
  if (embedder) store.bind({ ...embedder.spec, dims: embedder.dims });
  const chunkSize = options.chunkSize ?? (embedder ? DEFAULT_CHUNK_SIZE : KEYWORD_ONLY_CHUNK_SIZE);
  const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0, embedded: 0, pending: 0 };
  const progress = { records: 0, embedded: 0 };
  const report = () => options.onProgress?.({ ...progress });
  /** During a model call: `done` of the texts being embedded now are finished. */
  const reportEmbedding = (done: number) => options.onProgress?.({ records: progress.records, embedded: progress.embedded + done });
  const depth = Math.max(1, options.pipeline?.depth ?? 1);
  const outstanding: Outstanding[] = [];
  const commitOldest = async () => {
    const { writes, vectors: pending } = outstanding.shift()!;
    const vectors = await pending;
    store.write(writes.map((write, i) => ({ ...write, vector: vectors[i]! })));
    options.pipeline?.committed?.(vectors);
    progress.embedded += vectors.length;
  };
  for await (const chunk of chunked(records, chunkSize)) {
    const { metadataOnly, textChanged } = classify(chunk, store, counts);
    store.write(metadataOnly);
    if (!embedder) store.write(textChanged);
    else if (textChanged.length > 0) {
      const vectors = embedder.embed(
        textChanged.map((write) => embeddingText(write.record)),
        'passage',
        reportEmbedding,
      );
      vectors.catch(() => {}); // awaited in order by commitOldest; an early rejection is not unhandled
      outstanding.push({ writes: textChanged, vectors });
      while (outstanding.length >= depth) await commitOldest();
    }
    progress.records += chunk.length;
    report();
  }
  while (outstanding.length > 0) await commitOldest();
  if (embedder) progress.embedded += await embedPending(store, embedder, chunkSize, reportEmbedding, depth, options.pipeline);
  store.save();
  report();
  return { ...counts, embedded: progress.embedded, pending: embedder ? 0 : store.countPending() };
}

/** Splits a chunk into metadata-only updates and papers whose text (so vector) is new or changed. */
function classify(chunk: readonly HashedRecord[], store: PaperWriter, counts: IngestCounts): { metadataOnly: PaperWrite[]; textChanged: PaperWrite[] } {
  const metadataOnly: PaperWrite[] = [];
  const textChanged: PaperWrite[] = [];
  for (const { record, hashes } of chunk) {
    const state = store.state(record.id);
    if (!state) counts.added++;
    else if (state.recordHash === hashes.record) {
      counts.unchanged++;
      continue;
    } else counts.updated++;
    (state?.contentHash === hashes.content ? metadataOnly : textChanged).push({ record, hashes, vector: null });
  }
  return { metadataOnly, textChanged };
}

/**
 * Embeds papers stored earlier without a vector, a page at a time (there may be millions); with a
 * pipeline, up to `depth` pages are in flight, attached in label order.
 */
async function embedPending(
  store: PaperWriter,
  embedder: Embedder,
  chunkSize: number,
  onProgress: (done: number) => void,
  depth = 1,
  pipeline?: EmbedPipeline,
): Promise<number> {
  let after = 0;
  let done = 0;
  const outstanding: { ids: string[]; vectors: Promise<Float32Array[]> }[] = [];
  const attachOldest = async () => {
    const { ids, vectors: pending } = outstanding.shift()!;
    const vectors = await pending;
    store.attachVectors(ids.map((id, i) => ({ id, vector: vectors[i]! })));
    pipeline?.committed?.(vectors);
    done += ids.length;
    onProgress(done);
  };
  for (;;) {
    const page = store.pendingAfter(after, chunkSize);
    if (page.length === 0) break;
    const vectors = embedder.embed(
      page.map(({ record }) => embeddingText(record)),
      'passage',
      (n) => onProgress(done + n),
    );
    vectors.catch(() => {}); // awaited in order by attachOldest
    outstanding.push({ ids: page.map(({ record }) => record.id), vectors });
    after = page.at(-1)!.label;
    while (outstanding.length >= depth) await attachOldest();
  }
  while (outstanding.length > 0) await attachOldest();
  return done;
}
