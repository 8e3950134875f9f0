// Owns all index storage under one data dir: SQLite (papers, vectors, meta) and the HNSW files.
// SQLite is the source of truth; each HNSW file is a cache of it at one generation, rebuilt from
// the stored vectors whenever it is missing or behind. One writer (ingest, compact) at a time;
// readers (the server) load the newest complete generation and pick up new ones as they land.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddingSpec } from '../embed/embedder.ts';
import { AppError, messageOf } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import { DB_FILE, openDatabase, quickCheck, type Db } from './database.ts';
import type { PaperFilter } from './filters.ts';
import { FullTextIndex } from './fulltext.ts';
import { KeywordIndex } from './keyword-index.ts';
import { isCorruption, RECOVERY_ADVICE } from './health.ts';
import { IndexFiles } from './index-files.ts';
import { MetaTable } from './meta.ts';
import { PaperTable, type PaperHashes, type PaperState } from './papers.ts';
import { RunSeen } from './run-seen.ts';
import { DamagedIndexError, VectorIndex, type HnswParams, type IndexFileRecord, type Neighbour } from './vector-index.ts';
import { WriteLock } from './write-lock.ts';

/** The embedding spec plus the vector size: what every vector in one index must share. */
export interface IndexSpec extends EmbeddingSpec {
  dims: number;
}

export interface PaperWrite {
  record: PaperRecord;
  hashes: PaperHashes;
  /** null keeps the stored vector (only metadata changed). */
  vector: Float32Array | null;
}

export interface StoreOptions {
  dataDir: string;
  hnsw: HnswParams;
  /** writer (default): may write and repair; reader: never writes, loads published generations. */
  role?: 'writer' | 'reader';
  log?: (line: string) => void;
  /** Bytes of decoded keyword postings kept in memory (./keyword-index.ts); default 1 GiB (only what queries use is held). */
  postingsCacheBytes?: number;
}

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

/** When deleted entries exceed this fraction of the HNSW slots, the index is rebuilt compactly. */
export const COMPACT_DELETED_FRACTION = 0.2;

// Fields whose difference means the stored vectors are not comparable with new ones.
const VECTOR_DEFINING: readonly (keyof IndexSpec)[] = ['model', 'dims', 'pooling', 'normalize', 'passagePrefix'];

export class PaperStore {
  private index: VectorIndex | undefined;
  /** Generation of the loaded index (0: built in memory, not yet published). */
  private loadedGeneration = 0;
  /** A reader's newest generation whose file failed its check: not retried at every poll. */
  private rejectedGeneration = 0;
  /** The index was rebuilt from SQLite (and, by a writer, published) at open, with no write since. */
  private freshFromSqlite = false;
  /** Highlights of result pages. */
  readonly fulltext: FullTextIndex;
  private counts: { version: number; values: Map<string, number> } = { version: -1, values: new Map() };
  /** Postings, lengths and query terms for keyword ranking. */
  readonly keyword: KeywordIndex;
  private readonly files: IndexFiles;

  private constructor(
    private readonly db: Db,
    private readonly meta: MetaTable,
    private readonly papers: PaperTable,
    private readonly options: StoreOptions,
    private readonly lock: WriteLock | undefined,
  ) {
    this.fulltext = new FullTextIndex(db);
    this.keyword = new KeywordIndex(db, { cacheBytes: options.postingsCacheBytes });
    this.files = new IndexFiles(options.dataDir);
  }

  static open(options: StoreOptions): PaperStore {
    const writer = options.role !== 'reader';
    ensureDirectory(options.dataDir);
    const lock = writer ? WriteLock.acquire(options.dataDir) : undefined;
    const file = path.join(options.dataDir, DB_FILE);
    let db: Db | undefined;
    try {
      db = openWriterOrReader(file, writer);
      const store = new PaperStore(db, new MetaTable(db), new PaperTable(db), options, lock);
      const spec = store.spec;
      if (spec) store.index = store.loadIndex(spec.dims);
      return store;
    } catch (error) {
      // Nothing stays open after a failed open (a full disk must be unmountable, the file deletable).
      if (db?.open) db.close();
      lock?.release();
      throw error;
    }
  }

  /** Generation of the index this store answers from. */
  get generation(): number {
    return this.loadedGeneration;
  }

  /** The HNSW file of that generation; undefined while none is published. */
  get indexFile(): string | undefined {
    return this.loadedGeneration > 0 ? this.files.file(this.loadedGeneration) : undefined;
  }

  /**
   * Reader: loads a newer published generation, if any, and swaps it in whole, so searches
   * never see a half-built index. Returns true when it switched.
   */
  refresh(): boolean {
    const state = this.meta.get<IndexState>('index');
    const spec = this.spec;
    if (!state || !spec || state.generation === this.loadedGeneration || state.generation === this.rejectedGeneration) return false;
    const file = this.files.file(state.generation);
    if (!existsSync(file)) return false;
    try {
      this.index = this.loadFile(file, spec.dims, state);
    } catch (error) {
      if (!(error instanceof DamagedIndexError)) throw error;
      // The newest generation is damaged on disk; wait for the next one (the next writer replaces
      // it) rather than retry. With a good generation loaded, keep answering from it: building in
      // memory from the stored vectors would block the server for minutes at a million papers.
      this.rejectedGeneration = state.generation;
      if (this.index && this.loadedGeneration > 0) {
        this.options.log?.(
          `index file ${error.file} is damaged (${error.reason}); still serving generation ${this.loadedGeneration} until a writer publishes a new one`,
        );
        return false;
      }
      this.logDamaged(error, 'building the index in memory from');
      this.index = this.rebuild(spec.dims);
      this.loadedGeneration = 0;
      return true;
    }
    this.loadedGeneration = state.generation;
    this.options.log?.(`loaded index generation ${state.generation} (${this.index.size} vectors)`);
    return true;
  }

  /** The spec the stored vectors were made with; undefined for a new, empty index. */
  get spec(): IndexSpec | undefined {
    return this.meta.get<IndexSpec>('spec');
  }

  /**
   * Binds the index to an embedding spec: records it on first use, otherwise refuses a spec
   * whose vectors would not be comparable with the stored ones.
   */
  bind(spec: IndexSpec): void {
    const stored = this.spec;
    if (!stored) {
      // A reader of an empty index only checks; the first writer records the spec.
      if (this.lock) this.meta.set('spec', spec);
      this.index = VectorIndex.create(spec.dims, this.options.hnsw);
      return;
    }
    const differing = VECTOR_DEFINING.filter((key) => stored[key] !== spec[key]);
    if (differing.length > 0) {
      const describe = (s: IndexSpec) => differing.map((key) => `${key}=${JSON.stringify(s[key])}`).join(', ');
      throw new AppError(
        'INDEX_MISMATCH',
        `The index in ${this.options.dataDir} was built with ${describe(stored)}, but the configured model has ${describe(spec)}. ` +
          `Use the model the index was built with, or point PAPERSEEK_DATA_DIR at a new folder and ingest again.`,
        { stored, configured: spec },
      );
    }
    if (stored.dtype !== spec.dtype) {
      this.options.log?.(`note: index vectors were made with dtype ${stored.dtype}, queries use ${spec.dtype} (same model; results stay comparable)`);
    }
  }

  state(id: string): PaperState | undefined {
    return this.papers.state(id);
  }

  /** Writes a batch of papers in one transaction, then mirrors their vectors into the index. */
  write(batch: readonly PaperWrite[]): void {
    const labelled: [number, Float32Array][] = [];
    if (batch.length === 0) return;
    this.transaction(() => {
      for (const { record, hashes, vector } of batch) {
        const existing = this.papers.state(record.id);
        if (existing) this.papers.update(record, hashes, vector);
        const label = existing ? existing.label : this.papers.insert(record, hashes, vector);
        if (vector) labelled.push([label, vector]);
      }
    });
    this.freshFromSqlite = false;
    if (labelled.length === 0) return;
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  /** Deletes papers (metadata, vector, keyword index entry); returns the ids that existed. */
  delete(ids: readonly string[]): string[] {
    const removed: { id: string; label: number; hadVector: boolean }[] = [];
    this.transaction(() => {
      for (const id of ids) {
        const row = this.papers.delete(id);
        if (row) removed.push({ id, ...row });
      }
    });
    if (removed.length > 0) this.freshFromSqlite = false;
    for (const { label, hadVector } of removed) if (hadVector) this.index?.remove(label);
    return removed.map((row) => row.id);
  }

  /** Gives stored papers their vectors (papers ingested while the model was unavailable). */
  attachVectors(items: readonly { id: string; vector: Float32Array }[]): void {
    const labelled: [number, Float32Array][] = [];
    this.transaction(() => {
      for (const { id, vector } of items) {
        const label = this.papers.setVector(id, vector);
        if (label !== undefined) labelled.push([label, vector]);
      }
    });
    if (labelled.length > 0) this.freshFromSqlite = false;
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  /** All paper ids, for making the index match a source exactly. */
  ids(): string[] {
    return this.papers.ids();
  }

  /**
   * Publishes the index as a new generation: the file is written and fsynced under a new name,
   * then SQLite records it in one transaction. A failure leaves the previous generation in use.
   * Compacts first when deleted entries exceed COMPACT_DELETED_FRACTION of the slots.
   */
  save(): void {
    this.requireWriter();
    const index = this.index;
    if (!index) return;
    const live = this.papers.countWithVectors();
    if (index.size > 0 && (index.size - live) / index.size > COMPACT_DELETED_FRACTION) {
      this.options.log?.(`compacting: ${index.size - live} of ${index.size} index entries are deleted`);
      this.index = this.rebuild(index.dims);
    }
    this.publish();
  }

  /**
   * Rebuilds the HNSW index from the vectors in SQLite (no re-embedding) and publishes it,
   * whatever state the current file is in. When opening already had to rebuild and publish
   * (damaged, missing or stale file) and nothing was written since, that result is kept.
   */
  compact(): { before: number; after: number } {
    this.requireWriter();
    const spec = this.spec;
    if (!spec) return { before: 0, after: 0 };
    const before = this.index?.size ?? 0;
    if (this.freshFromSqlite && this.index && this.loadedGeneration > 0) return { before, after: before };
    this.index = this.rebuild(spec.dims);
    this.publish();
    return { before, after: this.index.size };
  }

  get(id: string): PaperRecord | undefined {
    return this.papers.get(id);
  }

  vectorOf(id: string): { label: number; vector: Float32Array | null } | undefined {
    return this.papers.vectorOf(id);
  }

  count(): number {
    return this.counted('all', () => this.papers.count());
  }

  /** Papers that have a vector and pass `filter`. */
  countWithVectors(filter?: PaperFilter): number {
    return this.counted(`vectors ${JSON.stringify(filter ?? {})}`, () => this.papers.countWithVectors(filter));
  }

  /** The subset of `labels` whose papers pass `filter`. */
  labelsPassing(labels: readonly number[], filter: PaperFilter): Set<number> {
    return this.papers.labelsPassing(labels, filter);
  }

  vectorsPassing(filter: PaperFilter): Generator<{ label: number; vector: Float32Array }> {
    return this.papers.vectorsPassing(filter);
  }

  /** How many papers are stored without a vector, waiting for the model. */
  countPending(): number {
    return this.count() - this.countWithVectors();
  }

  /**
   * A count, computed once per state of the database: every write transaction bumps meta's
   * data_version (see transaction()), in this process or another. Counting the papers with a vector
   * scans an index — 40 ms at a million papers, on every semantic and hybrid query for `total`.
   */
  private counted(key: string, count: () => number): number {
    const version = this.meta.get<number>('data_version') ?? 0;
    if (this.counts.version !== version) this.counts = { version, values: new Map() };
    let value = this.counts.values.get(key);
    if (value === undefined) {
      value = count();
      // Filters are user input: keep a bounded number of them.
      if (this.counts.values.size < 256) this.counts.values.set(key, value);
    }
    return value;
  }

  /** A page of the papers without a vector, in label order after `afterLabel`. */
  pendingAfter(afterLabel: number, limit: number): { label: number; record: PaperRecord }[] {
    return this.papers.pendingAfter(afterLabel, limit);
  }

  /** Starts tracking the ids an ingest run reads (duplicates within the run, --delete-missing). */
  beginRun(): RunSeen {
    this.requireWriter();
    return new RunSeen(this.db);
  }

  nearest(vector: Float32Array, k: number, filter?: (label: number) => boolean, ef?: number): Neighbour[] {
    return this.index ? this.index.search(vector, k, filter, ef) : [];
  }

  papersByLabels(labels: readonly number[]): Map<number, PaperRecord> {
    return this.papers.getByLabels(labels);
  }

  close(): void {
    this.db.close();
    this.lock?.release();
  }

  private transaction(work: () => void): void {
    this.requireWriter();
    this.db.transaction(() => {
      work();
      this.meta.set('data_version', (this.meta.get<number>('data_version') ?? 0) + 1);
    })();
  }

  private requireWriter(): void {
    if (!this.lock) throw new Error('this PaperStore was opened as a reader');
  }

  private publish(): void {
    const index = this.index!;
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

  private rebuild(dims: number): VectorIndex {
    const index = VectorIndex.create(dims, this.options.hnsw, this.papers.countWithVectors() * 2);
    for (const { label, vector } of this.papers.allVectors()) index.upsert(label, vector);
    return index;
  }

  private requireIndex(): VectorIndex {
    if (!this.index) throw new Error('PaperStore.bind(spec) must be called before writing vectors');
    return this.index;
  }

  /**
   * The index to answer from. A reader loads the newest published generation as it is (an
   * ingest may be running), or builds one in memory if none exists. A writer also checks that the
   * generation is current — same data version and HNSW parameters — and otherwise rebuilds from
   * the stored vectors and publishes the result.
   */
  private loadIndex(dims: number): VectorIndex {
    const state = this.meta.get<IndexState>('index');
    const file = state && this.files.file(state.generation);
    const exists = file !== undefined && existsSync(file);
    const writer = Boolean(this.lock);
    const { hnsw } = this.options;
    const sameParams = state?.M === hnsw.M && state?.efConstruction === hnsw.efConstruction;
    const dataVersion = this.meta.get<number>('data_version') ?? 0;
    const stored = this.papers.countWithVectors();
    let reason: string;
    let damaged = false;
    if (state && exists && (!writer || (sameParams && state.dataVersion === dataVersion))) {
      try {
        const loaded = this.loadFile(file, dims, state);
        this.loadedGeneration = state.generation;
        return loaded;
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
    const index = this.rebuild(dims);
    this.index = index;
    // A writer publishes the rebuilt index as a new generation: a damaged file is never republished.
    if (writer && (stored > 0 || damaged)) this.publish();
    this.freshFromSqlite = true;
    return index;
  }

  /** Loads a published file, verified against what meta recorded for it (when anything was). */
  private loadFile(file: string, dims: number, state: IndexState): VectorIndex {
    const { ef, M } = this.options.hnsw;
    if (!state.file) this.options.log?.(`note: index generation ${state.generation} predates checksums; loading ${file} unverified`);
    return VectorIndex.load(file, dims, ef, M, state.file);
  }

  private logDamaged(error: DamagedIndexError, action: string): void {
    this.options.log?.(`index file ${error.file} is damaged (${error.reason}); ${action} ${this.papers.countWithVectors()} stored vectors`);
  }
}

/**
 * Opens the database. A writer first runs SQLite's quick_check: what it writes, and the index it
 * publishes, must not be built from damaged pages (measured: 3.5 s for 300k papers, ~890 MB).
 * Corruption found there or while opening is one clear error with the way to recover.
 */
function openWriterOrReader(file: string, writer: boolean): Db {
  let db: Db | undefined;
  try {
    db = openDatabase(file);
    const problems = writer ? quickCheck(db, 3) : [];
    if (problems.length > 0) throw new AppError('STORAGE_FAILED', damagedMessage(file, problems.join('; ')), { file, problems });
    return db;
  } catch (error) {
    db?.close();
    if (isCorruption(error)) throw new AppError('STORAGE_FAILED', damagedMessage(file, messageOf(error)), { file }, { cause: error });
    throw error;
  }
}

const damagedMessage = (file: string, found: string) =>
  `${file} is damaged (${found.replace(/\s*\n\s*/g, '; ')}); paperseek will not write to it or publish an index built from it. ${RECOVERY_ADVICE}`;

/** Creates the data dir, turning the usual failures into one clear message. */
function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('exists and is not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new AppError(
      'STORAGE_FAILED',
      `Cannot use data dir ${dir}: ${(error as Error).message}. Set PAPERSEEK_DATA_DIR to a writable folder.`,
      { dir },
      { cause: error },
    );
  }
}
