// The store tests' common setup: a spec, papers with deterministic vectors, a data dir opened in
// either role (the writer and reader types the compiler tells apart), publishing one generation,
// and which paper a vector finds.
import { normalizeInPlace } from '../../src/embed/pooling.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { PaperStore, type IndexSpec, type PaperReader, type PaperWrite, type PaperWriter, type StoreOptions } from '../../src/store/paper-store.ts';
import { HNSW, paperRecord } from './fixtures.ts';

/** A spec of `dims` dimensions for a made-up model 'm'. */
export const testSpec = (dims: number): IndexSpec => ({ model: 'm', dtype: 'q8', pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '', dims });

/** Paper `id` titled `Title <id>` with the abstract `Abstract <id>`. */
export const titledPaper = (id: string): PaperRecord => paperRecord(id, `Title ${id}`, `Abstract ${id}`);

/** Deterministic, well spread unit vectors of `dims` dimensions, one for each i. */
export const sineVectors =
  (dims: number) =>
  (i: number): Float32Array =>
    normalizeInPlace(Float32Array.from({ length: dims }, (_, d) => Math.sin(i * 7 + d * 3)));

/** Papers p<from> … p<to - 1> with hashes and vectors, ready for PaperWriter.write. */
export function paperWrites(from: number, to: number, vector: (i: number) => Float32Array, record: (id: string) => PaperRecord = titledPaper): PaperWrite[] {
  return Array.from({ length: to - from }, (_, n) => ({
    record: record(`p${from + n}`),
    hashes: { content: `c${from + n}`, record: `r${from + n}` },
    vector: vector(from + n),
  }));
}

type OpenOptions = Omit<Partial<StoreOptions>, 'role'>;

export interface StoreOpener {
  /** Takes the write lock (and repairs or publishes as a writer does at open). */
  writer(extra?: OpenOptions): PaperWriter;
  /** Never writes; loads the published generation. */
  reader(extra?: OpenOptions): PaperReader;
}

/** Opens the data dir `dataDir()` names (asked at each open) with the test HNSW parameters, logging to `log`. */
export function storeOpener(dataDir: () => string, log?: (line: string) => void): StoreOpener {
  const options = (extra: OpenOptions) => ({ dataDir: dataDir(), hnsw: HNSW, ...(log && { log }), ...extra });
  return {
    writer: (extra = {}) => PaperStore.open({ ...options(extra), role: 'writer' }),
    reader: (extra = {}) => PaperStore.open({ ...options(extra), role: 'reader' }),
  };
}

/** Binds `spec`, writes the papers and publishes them as a generation; the writer stays open. */
export function publishPapers(writer: PaperWriter, spec: IndexSpec, writes: readonly PaperWrite[]): PaperWriter {
  writer.bind(spec);
  writer.write(writes);
  writer.save();
  return writer;
}

/** The id of the paper nearest to `vector`; undefined on an empty index. */
export function nearestId(store: PaperReader, vector: Float32Array): string | undefined {
  const [first] = store.nearest(vector, 1);
  return first && store.papersByLabels([first[0]]).get(first[0])?.id;
}
