// Owns all index storage under one data dir: SQLite (papers, vectors, meta) and the HNSW files.
// SQLite is the source of truth; each HNSW file is a cache of it at one generation, rebuilt from
// the stored vectors whenever it is missing or behind (./generations.ts). Two roles, told apart by
// the compiler: PaperReader (search, serve, eval, MCP) reads and picks up new generations as they
// land; PaperWriter (ingest, sync, compact; one at a time, under the write lock) also writes and
// publishes. PaperStore.open returns the type of the role it was asked for.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddingSpec } from '../embed/embedder.ts';
import { AppError, messageOf } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import { DB_FILE, openDatabase, quickCheck, type Db } from './database.ts';
import type { PaperFilter } from './filters.ts';
import { FullTextIndex, type MarkedText } from './fulltext.ts';
import { Generations } from './generations.ts';
import { KeywordIndex } from './keyword-index.ts';
import { isCorruption, RECOVERY_ADVICE } from './health.ts';
import { MetaTable } from './meta.ts';
import { PaperTable, type PaperHashes, type PaperState } from './papers.ts';
import { RunSeen } from './run-seen.ts';
import type { HnswParams, Neighbour, VectorIndex } from './vector-index.ts';
import { WriteLock } from './write-lock.ts';

export { COMPACT_DELETED_FRACTION } from './generations.ts';

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

/** Keyword ranking's read access: one consistent view of the postings, and FTS5's terms for a text. */
export type KeywordReader = Pick<KeywordIndex, 'read' | 'terms' | 'matching'>;

/**
 * An index opened to read: what search, serving, eval and MCP need. Never writes and never takes
 * the write lock, so it opens while an ingest runs; `refresh()` picks up what that ingest publishes.
 */
export interface PaperReader {
  /** The spec the stored vectors were made with; undefined for a new, empty index. */
  readonly spec: IndexSpec | undefined;
  /** Generation of the index this store answers from (0: built in memory, not published). */
  readonly generation: number;
  /** The HNSW file of that generation; undefined while none is published. */
  readonly indexFile: string | undefined;
  /** The files the index is made of now: the database, then the HNSW file of the served generation. */
  readonly files: string[];
  /** Postings, lengths and query terms for keyword ranking. */
  readonly keyword: KeywordReader;
  /** Loads a newer published generation, if any, swapped in whole; true when it switched. */
  refresh(): boolean;
  /**
   * Ties the index to the model that embeds queries or papers: refuses a spec whose vectors would
   * not be comparable with the stored ones (a writer also records the spec of an empty index).
   */
  bind(spec: IndexSpec): void;
  get(id: string): PaperRecord | undefined;
  vectorOf(id: string): { label: number; vector: Float32Array | null } | undefined;
  /** All paper ids. */
  ids(): string[];
  count(): number;
  /** Papers that have a vector and pass `filter`. */
  countWithVectors(filter?: PaperFilter): number;
  /** How many papers are stored without a vector, waiting for the model. */
  countPending(): number;
  /** The subset of `labels` whose papers pass `filter`. */
  labelsPassing(labels: readonly number[], filter: PaperFilter): Set<number>;
  /** Every paper that passes `filter` (one scan; labelsPassing for a few papers). */
  labelsWhere(filter: PaperFilter): Set<number>;
  vectorsPassing(filter: PaperFilter): Generator<{ label: number; vector: Float32Array }>;
  nearest(vector: Float32Array, k: number, filter?: (label: number) => boolean, ef?: number): Neighbour[];
  papersByLabels(labels: readonly number[]): Map<number, PaperRecord>;
  /** Marked title and abstract snippet for those of `papers` (one result page) that match the terms (./fulltext.ts). */
  highlights(terms: readonly string[], papers: ReadonlyMap<number, { title: string; abstract: string }>): Map<number, MarkedText>;
  close(): void;
}

/** An index opened to write (ingest, sync, compact): holds the data dir's write lock until close(). */
export interface PaperWriter extends PaperReader {
  /** What was stored for a paper (hashes, label, whether it has a vector), to skip unchanged ones. */
  state(id: string): PaperState | undefined;
  /** Writes a batch of papers in one transaction, then mirrors their vectors into the index. */
  write(batch: readonly PaperWrite[]): void;
  /** Deletes papers (metadata, vector, keyword index entry); returns the ids that existed. */
  delete(ids: readonly string[]): string[];
  /** Gives stored papers their vectors (papers ingested while the model was unavailable). */
  attachVectors(items: readonly { id: string; vector: Float32Array }[]): void;
  /** A page of the papers without a vector, in label order after `afterLabel`. */
  pendingAfter(afterLabel: number, limit: number): { label: number; record: PaperRecord }[];
  /** Starts tracking the ids an ingest run reads (duplicates within the run, --delete-missing). */
  beginRun(): RunSeen;
  /**
   * Publishes the index as a new generation (./generations.ts): the file is written and fsynced
   * under a new name, then SQLite records it in one transaction. A failure leaves the previous
   * generation in use. Compacts first when deleted entries exceed COMPACT_DELETED_FRACTION of the slots.
   */
  save(): void;
  /**
   * Rebuilds the HNSW index from the vectors in SQLite (no re-embedding) and publishes it,
   * whatever state the current file is in. When opening already had to rebuild and publish
   * (damaged, missing or stale file) and nothing was written since, that result is kept.
   */
  compact(): { before: number; after: number };
}

// Fields whose difference means the stored vectors are not comparable with new ones.
const VECTOR_DEFINING: readonly (keyof IndexSpec)[] = ['model', 'dims', 'pooling', 'normalize', 'passagePrefix'];

function open(options: StoreOptions & { role: 'reader' }): PaperReader;
function open(options: StoreOptions & { role?: 'writer' }): PaperWriter;
function open(options: StoreOptions): PaperReader;
function open(options: StoreOptions): PaperReader {
  const writer = options.role !== 'reader';
  ensureDirectory(options.dataDir);
  const lock = writer ? WriteLock.acquire(options.dataDir) : undefined;
  const file = path.join(options.dataDir, DB_FILE);
  let db: Db | undefined;
  try {
    db = openWriterOrReader(file, writer);
    const store = lock ? new StoreWriter(db, options, lock) : new StoreReader(db, options, false);
    store.loadIndex();
    return store;
  } catch (error) {
    // Nothing stays open after a failed open (a full disk must be unmountable, the file deletable).
    if (db?.open) db.close();
    lock?.release();
    throw error;
  }
}

/**
 * Opens the index of a data dir. `role: 'reader'` gives a PaperReader (no write lock, no writes,
 * not even a repair); a writer (the default) takes the write lock and gives a PaperWriter.
 */
export const PaperStore = { open } as const;

class StoreReader implements PaperReader {
  readonly keyword: KeywordIndex;
  protected readonly meta: MetaTable;
  protected readonly papers: PaperTable;
  protected readonly generations: Generations;
  private readonly fulltext: FullTextIndex;
  private counts: { version: number; values: Map<string, number> } = { version: -1, values: new Map() };

  constructor(
    protected readonly db: Db,
    protected readonly options: StoreOptions,
    writer: boolean,
  ) {
    this.meta = new MetaTable(db);
    this.papers = new PaperTable(db);
    this.fulltext = new FullTextIndex(db);
    this.keyword = new KeywordIndex(db, { cacheBytes: options.postingsCacheBytes });
    this.generations = new Generations(db, this.meta, this.papers, { dataDir: options.dataDir, hnsw: options.hnsw, writer, log: options.log });
  }

  /** At open: the index to answer from, when the store has a spec (./generations.ts). */
  loadIndex(): void {
    const spec = this.spec;
    if (spec) this.generations.open(spec.dims);
  }

  get generation(): number {
    return this.generations.generation;
  }

  get indexFile(): string | undefined {
    return this.generations.file;
  }

  get files(): string[] {
    const index = this.generations.file;
    return [path.join(this.options.dataDir, DB_FILE), ...(index ? [index] : [])];
  }

  refresh(): boolean {
    const spec = this.spec;
    return spec ? this.generations.refresh(spec.dims) : false;
  }

  get spec(): IndexSpec | undefined {
    return this.meta.get<IndexSpec>('spec');
  }

  bind(spec: IndexSpec): void {
    const stored = this.spec;
    if (!stored) {
      // A reader of an empty index only checks; the first writer records the spec.
      this.recordSpec(spec);
      this.generations.startEmpty(spec.dims);
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

  /** The first spec bound to an empty index: a reader records nothing. */
  protected recordSpec(_spec: IndexSpec): void {}

  get(id: string): PaperRecord | undefined {
    return this.papers.get(id);
  }

  vectorOf(id: string): { label: number; vector: Float32Array | null } | undefined {
    return this.papers.vectorOf(id);
  }

  ids(): string[] {
    return this.papers.ids();
  }

  count(): number {
    return this.counted('all', () => this.papers.count());
  }

  countWithVectors(filter?: PaperFilter): number {
    return this.counted(`vectors ${JSON.stringify(filter ?? {})}`, () => this.papers.countWithVectors(filter));
  }

  countPending(): number {
    return this.count() - this.countWithVectors();
  }

  labelsPassing(labels: readonly number[], filter: PaperFilter): Set<number> {
    return this.papers.labelsPassing(labels, filter);
  }

  labelsWhere(filter: PaperFilter): Set<number> {
    return this.papers.labelsWhere(filter);
  }

  vectorsPassing(filter: PaperFilter): Generator<{ label: number; vector: Float32Array }> {
    return this.papers.vectorsPassing(filter);
  }

  nearest(vector: Float32Array, k: number, filter?: (label: number) => boolean, ef?: number): Neighbour[] {
    const index = this.generations.index;
    return index ? index.search(vector, k, filter, ef) : [];
  }

  papersByLabels(labels: readonly number[]): Map<number, PaperRecord> {
    return this.papers.getByLabels(labels);
  }

  highlights(terms: readonly string[], papers: ReadonlyMap<number, { title: string; abstract: string }>): Map<number, MarkedText> {
    return this.fulltext.highlights(terms, papers);
  }

  close(): void {
    this.db.close();
  }

  /**
   * A count, computed once per state of the database: every write transaction bumps meta's
   * data_version (see StoreWriter.transaction()), in this process or another. Counting the papers
   * with a vector scans an index — 40 ms at a million papers, on every semantic and hybrid query for `total`.
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
}

class StoreWriter extends StoreReader implements PaperWriter {
  constructor(
    db: Db,
    options: StoreOptions,
    private readonly lock: WriteLock,
  ) {
    super(db, options, true);
  }

  protected override recordSpec(spec: IndexSpec): void {
    this.meta.set('spec', spec);
  }

  state(id: string): PaperState | undefined {
    return this.papers.state(id);
  }

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
    this.generations.noteWrite();
    if (labelled.length === 0) return;
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  delete(ids: readonly string[]): string[] {
    const removed: { id: string; label: number; hadVector: boolean }[] = [];
    this.transaction(() => {
      for (const id of ids) {
        const row = this.papers.delete(id);
        if (row) removed.push({ id, ...row });
      }
    });
    if (removed.length > 0) this.generations.noteWrite();
    for (const { label, hadVector } of removed) if (hadVector) this.generations.index?.remove(label);
    return removed.map((row) => row.id);
  }

  attachVectors(items: readonly { id: string; vector: Float32Array }[]): void {
    const labelled: [number, Float32Array][] = [];
    this.transaction(() => {
      for (const { id, vector } of items) {
        const label = this.papers.setVector(id, vector);
        if (label !== undefined) labelled.push([label, vector]);
      }
    });
    if (labelled.length > 0) this.generations.noteWrite();
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  pendingAfter(afterLabel: number, limit: number): { label: number; record: PaperRecord }[] {
    return this.papers.pendingAfter(afterLabel, limit);
  }

  beginRun(): RunSeen {
    return new RunSeen(this.db);
  }

  save(): void {
    this.generations.save();
  }

  compact(): { before: number; after: number } {
    const spec = this.spec;
    if (!spec) return { before: 0, after: 0 };
    return this.generations.compact(spec.dims);
  }

  override close(): void {
    super.close();
    this.lock.release();
  }

  private transaction(work: () => void): void {
    this.db.transaction(() => {
      work();
      this.meta.set('data_version', (this.meta.get<number>('data_version') ?? 0) + 1);
    })();
  }

  private requireIndex(): VectorIndex {
    const index = this.generations.index;
    if (!index) throw new Error('PaperStore.bind(spec) must be called before writing vectors');
    return index;
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
