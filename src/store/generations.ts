// The HNSW index of a data dir as a sequence of published generations. SQLite is the source of
// truth; each generation's file (./index-files.ts) is a cache of its vectors, written beside the
// previous one and only then recorded in meta, so a reader always has a complete file to load and
// a crash mid-write leaves the previous generation in use. This module decides which index a store
// answers from: loading and verifying a published file, rebuilding from the stored vectors when it
// is missing, behind or damaged, picking up newer generations (readers), and publishing and
// compacting (writers only).
import { existsSync } from 'node:fs';
import { AppError } from '../errors.ts';
import type { Db } from './database.ts';
import { IndexFiles } from './index-files.ts';
import type { MetaTable } from './meta.ts';
import type { PaperTable } from './papers.ts';
import { DamagedIndexError, VectorIndex, type HnswParams, type IndexFileRecord } from './vector-index.ts';

/** When deleted entries exceed this fraction of the HNSW slots, the index is rebuilt compactly. */
export const COMPACT_DELETED_FRACTION = 0.2;

/** What meta records about the newest published HNSW file. */
interface IndexState {
  generation: number;
  /** data_version of SQLite when the file was written: behind it means writes are not indexed. */
  dataVersion: number;
  M: number;
  efConstruction: number;
  /**
   * Size, SHA-256, element count and dims of the file, recorded in the transaction that publishes
   * it and checked before every load. Absent for generations published before checksums existed.
   */
  file?: IndexFileRecord;
}

export interface GenerationOptions {
  dataDir: string;
  hnsw: HnswParams;
  /** A writer checks that the published generation is current and publishes; a reader never writes. */
  writer: boolean;
  log?: (line: string) => void;
}

export class Generations {
  private current: VectorIndex | undefined;
  /** Generation of the loaded index (0: built in memory, not yet published). */
  private loadedGeneration = 0;
  /** A reader's newest generation whose file failed its check: not retried at every poll. */
  private rejectedGeneration = 0;
  /** The index was rebuilt from SQLite (and, by a writer, published) at open, with no write since. */
  private freshFromSqlite = false;
  private readonly files: IndexFiles;

  constructor(
    private readonly db: Db,
    private readonly meta: MetaTable,
    private readonly papers: PaperTable,
    private readonly options: GenerationOptions,
  ) {
    this.files = new IndexFiles(options.dataDir);
  }

  /** The index searches and writes go to; undefined until the store has a spec. */
  get index(): VectorIndex | undefined {
    return this.current;
  }

  /** Generation of the index this store answers from. */
  get generation(): number {
    return this.loadedGeneration;
  }

  /** The HNSW file of that generation; undefined while none is published. */
  get file(): string | undefined {
    return this.loadedGeneration > 0 ? this.files.file(this.loadedGeneration) : undefined;
  }

  /** A new, empty index (the first bind of an empty store). */
  startEmpty(dims: number): void {
    this.current = VectorIndex.create(dims, this.options.hnsw);
  }

  /** The loaded index no longer matches SQLite exactly (a write went through). */
  noteWrite(): void {
    this.freshFromSqlite = false;
  }

  /**
   * Loads the index to answer from, at open. A reader loads the newest published generation as it
   * is (an ingest may be running), or builds one in memory if none exists. A writer also checks
   * that the generation is current — same data version and HNSW parameters — and otherwise
   * rebuilds from the stored vectors and publishes the result.
   */
  open(dims: number): void {
    const state = this.meta.get<IndexState>('index');
    const file = state && this.files.file(state.generation);
    const exists = file !== undefined && existsSync(file);
    const { writer, hnsw } = this.options;
    const sameParams = state?.M === hnsw.M && state?.efConstruction === hnsw.efConstruction;
    const dataVersion = this.meta.get<number>('data_version') ?? 0;
    const stored = this.papers.countWithVectors();
    let reason: string;
    let damaged = false;
    if (state && exists && (!writer || (sameParams && state.dataVersion === dataVersion))) {
      try {
        const loaded = this.loadFile(file, dims, state);
        this.loadedGeneration = state.generation;
        this.current = loaded;
        return;
      } catch (error) {
        if (!(error instanceof DamagedIndexError)) throw error;
        if (!writer) this.rejectedGeneration = state.generation;
        damaged = true;
        reason = `index file ${error.file} is damaged (${error.reason})`;
        // Logged even with no stored vectors: a damaged file is always worth one line.
        if (stored === 0) this.options.log?.(`${reason}; no stored vectors, starting an empty index`);
      }
    } else {
      reason = !exists
        ? `index file for generation ${state?.generation ?? 0} is missing`
        : !sameParams
          ? `HNSW parameters changed (M ${state?.M}→${hnsw.M}, efConstruction ${state?.efConstruction}→${hnsw.efConstruction})`
          : `SQLite has writes that index generation ${state?.generation} does not include (an interrupted ingest)`;
    }
    if (stored > 0) this.options.log?.(`${reason}; ${writer ? 'rebuilding the index' : 'building the index in memory'} from ${stored} stored vectors`);
    this.current = this.rebuild(dims);
    // A writer publishes the rebuilt index as a new generation: a damaged file is never republished.
    if (writer && (stored > 0 || damaged)) this.publish();
    this.freshFromSqlite = true;
  }

  /**
   * Reader: loads a newer published generation, if any, and swaps it in whole, so searches
   * never see a half-built index. Returns true when it switched.
   */
  refresh(dims: number): boolean {
    const state = this.meta.get<IndexState>('index');
    if (!state || state.generation === this.loadedGeneration || state.generation === this.rejectedGeneration) return false;
    const file = this.files.file(state.generation);
    if (!existsSync(file)) return false;
    let loaded: VectorIndex;
    try {
      loaded = this.loadFile(file, dims, state);
    } catch (error) {
      if (!(error instanceof DamagedIndexError)) throw error;
      // The newest generation is damaged on disk; wait for the next one (the next writer replaces
      // it) rather than retry. With a good generation loaded, keep answering from it: building in
      // memory from the stored vectors would block the server for minutes at a million papers.
      this.rejectedGeneration = state.generation;
      if (this.current && this.loadedGeneration > 0) {
        this.options.log?.(
          `index file ${error.file} is damaged (${error.reason}); still serving generation ${this.loadedGeneration} until a writer publishes a new one`,
        );
        return false;
      }
      this.options.log?.(
        `index file ${error.file} is damaged (${error.reason}); building the index in memory from ${this.papers.countWithVectors()} stored vectors`,
      );
      this.current = this.rebuild(dims);
      this.loadedGeneration = 0;
      return true;
    }
    this.current = loaded;
    this.loadedGeneration = state.generation;
    this.options.log?.(`loaded index generation ${state.generation} (${loaded.size} vectors)`);
    return true;
  }

  /**
   * Writer: publishes the index as a new generation, compacting it first when deleted entries
   * exceed COMPACT_DELETED_FRACTION of the slots. A failure leaves the previous generation in use.
   */
  save(): void {
    this.requireWriter();
    const index = this.current;
    if (!index) return;
    const live = this.papers.countWithVectors();
    if (index.size > 0 && (index.size - live) / index.size > COMPACT_DELETED_FRACTION) {
      this.options.log?.(`compacting: ${index.size - live} of ${index.size} index entries are deleted`);
      this.current = this.rebuild(index.dims);
    }
    this.publish();
  }

  /**
   * Writer: rebuilds the index from the vectors in SQLite (no re-embedding) and publishes it,
   * whatever state the current file is in. When opening already had to rebuild and publish
   * (damaged, missing or stale file) and nothing was written since, that result is kept.
   */
  compact(dims: number): { before: number; after: number } {
    this.requireWriter();
    const before = this.current?.size ?? 0;
    if (this.freshFromSqlite && this.current && this.loadedGeneration > 0) return { before, after: before };
    const index = this.rebuild(dims);
    this.current = index;
    this.publish();
    return { before, after: index.size };
  }

  private requireWriter(): void {
    if (!this.options.writer) throw new Error('only a writer publishes index generations');
  }

  /** Writes and fsyncs the file under a new generation's name, then records it in one transaction. */
  private publish(): void {
    const index = this.current!;
    const generation = Math.max(this.loadedGeneration, this.meta.get<IndexState>('index')?.generation ?? 0, ...this.files.generations()) + 1;
    const file = this.files.file(generation);
    let written: IndexFileRecord;
    try {
      written = index.save(file);
    } catch (error) {
      // The published generation readers use, which is not the one this writer loaded when it had to rebuild.
      const published = this.meta.get<IndexState>('index')?.generation;
      const previous = published ? `The published index (generation ${published}) is unchanged and still used` : 'No index was published before';
      throw new AppError(
        'STORAGE_FAILED',
        `Could not write the index file ${file}: ${(error as Error).message}. ${previous}; papers already committed are kept and will be indexed by the next run.`,
        { file },
        { cause: error },
      );
    }
    const { M, efConstruction } = this.options.hnsw;
    this.db.transaction(() => {
      const state: IndexState = { generation, dataVersion: this.meta.get<number>('data_version') ?? 0, M, efConstruction, file: written };
      this.meta.set('index', state);
      this.meta.set('count', this.papers.count());
    })();
    this.loadedGeneration = generation;
    this.files.prune(generation - 1);
  }

  /** A new index of every stored vector. */
  private rebuild(dims: number): VectorIndex {
    const index = VectorIndex.create(dims, this.options.hnsw, this.papers.countWithVectors() * 2);
    for (const { label, vector } of this.papers.allVectors()) index.upsert(label, vector);
    return index;
  }

  /** Loads a published file, verified against what meta recorded for it (when anything was). */
  private loadFile(file: string, dims: number, state: IndexState): VectorIndex {
    const { ef, M } = this.options.hnsw;
    if (!state.file) this.options.log?.(`note: index generation ${state.generation} predates checksums; loading ${file} unverified`);
    return VectorIndex.load(file, dims, ef, M, state.file);
  }
}
