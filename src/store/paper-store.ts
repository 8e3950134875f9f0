// Owns all index storage under one data dir: SQLite (papers, vectors, meta) and the HNSW file.
// SQLite is the source of truth; the HNSW file is a cache of it that can always be rebuilt.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddingSpec } from '../embed/embedder.ts';
import { AppError } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import { openDatabase, type Db } from './database.ts';
import type { PaperFilter } from './filters.ts';
import { FullTextIndex } from './fulltext.ts';
import { MetaTable } from './meta.ts';
import { PaperTable, type PaperHashes, type PaperState } from './papers.ts';
import { VectorIndex, type HnswParams, type Neighbour } from './vector-index.ts';

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
  log?: (line: string) => void;
}

const DB_FILE = 'papers.db';
const INDEX_FILE = 'papers.hnsw';

// Fields whose difference means the stored vectors are not comparable with new ones.
const VECTOR_DEFINING: readonly (keyof IndexSpec)[] = ['model', 'dims', 'pooling', 'normalize', 'passagePrefix'];

export class PaperStore {
  private index: VectorIndex | undefined;
  readonly fulltext: FullTextIndex;

  private constructor(
    private readonly db: Db,
    private readonly meta: MetaTable,
    private readonly papers: PaperTable,
    private readonly options: StoreOptions,
  ) {
    this.fulltext = new FullTextIndex(db);
  }

  static open(options: StoreOptions): PaperStore {
    mkdirSync(options.dataDir, { recursive: true });
    const db = openDatabase(path.join(options.dataDir, DB_FILE));
    const store = new PaperStore(db, new MetaTable(db), new PaperTable(db), options);
    const spec = store.spec;
    if (spec) store.index = store.loadIndex(spec.dims);
    return store;
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
      this.meta.set('spec', spec);
      this.index = this.loadIndex(spec.dims);
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
    this.db.transaction(() => {
      for (const { record, hashes, vector } of batch) {
        const existing = this.papers.state(record.id);
        if (existing) this.papers.update(record, hashes, vector);
        const label = existing ? existing.label : this.papers.insert(record, hashes, vector);
        if (vector) labelled.push([label, vector]);
      }
    })();
    if (labelled.length === 0) return;
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  /** Deletes papers (metadata, vector, keyword index entry); returns the ids that existed. */
  delete(ids: readonly string[]): string[] {
    const removed: { id: string; label: number; hadVector: boolean }[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        const row = this.papers.delete(id);
        if (row) removed.push({ id, ...row });
      }
    })();
    for (const { label, hadVector } of removed) if (hadVector) this.index?.remove(label);
    return removed.map((row) => row.id);
  }

  /** Gives stored papers their vectors (papers ingested while the model was unavailable). */
  attachVectors(items: readonly { id: string; vector: Float32Array }[]): void {
    const labelled: [number, Float32Array][] = [];
    this.db.transaction(() => {
      for (const { id, vector } of items) {
        const label = this.papers.setVector(id, vector);
        if (label !== undefined) labelled.push([label, vector]);
      }
    })();
    const index = this.requireIndex();
    for (const [label, vector] of labelled) index.upsert(label, vector);
  }

  /** Persists the HNSW index (atomically) and the counts shown by /health. */
  save(): void {
    if (this.index) {
      this.index.save(path.join(this.options.dataDir, INDEX_FILE));
      this.meta.set('hnsw', { M: this.options.hnsw.M, efConstruction: this.options.hnsw.efConstruction });
    }
    this.meta.set('count', this.papers.count());
  }

  get(id: string): PaperRecord | undefined {
    return this.papers.get(id);
  }

  vectorOf(id: string): { label: number; vector: Float32Array | null } | undefined {
    return this.papers.vectorOf(id);
  }

  count(): number {
    return this.papers.count();
  }

  /** Papers that have a vector and pass `filter`. */
  countWithVectors(filter?: PaperFilter): number {
    return this.papers.countWithVectors(filter);
  }

  /** The subset of `labels` whose papers pass `filter`. */
  labelsPassing(labels: readonly number[], filter: PaperFilter): Set<number> {
    return this.papers.labelsPassing(labels, filter);
  }

  vectorsPassing(filter: PaperFilter): Generator<{ label: number; vector: Float32Array }> {
    return this.papers.vectorsPassing(filter);
  }

  /** Papers stored without a vector, waiting for the model. */
  pending(): PaperRecord[] {
    return this.papers.pending();
  }

  nearest(vector: Float32Array, k: number, filter?: (label: number) => boolean, ef?: number): Neighbour[] {
    return this.index ? this.index.search(vector, k, filter, ef) : [];
  }

  papersByLabels(labels: readonly number[]): Map<number, PaperRecord> {
    return this.papers.getByLabels(labels);
  }

  /** Papers for neighbours, in neighbour order; one SQLite query for the whole page. */
  hydrate(neighbours: readonly Neighbour[]): { paper: PaperRecord; score: number }[] {
    const papers = this.papers.getByLabels(neighbours.map(([label]) => label));
    return neighbours.flatMap(([label, score]) => {
      const paper = papers.get(label);
      return paper ? [{ paper, score }] : [];
    });
  }

  close(): void {
    this.db.close();
  }

  private requireIndex(): VectorIndex {
    if (!this.index) throw new Error('PaperStore.bind(spec) must be called before writing vectors');
    return this.index;
  }

  /** Loads the saved HNSW file when it matches SQLite; otherwise rebuilds it from stored vectors. */
  private loadIndex(dims: number): VectorIndex {
    const file = path.join(this.options.dataDir, INDEX_FILE);
    const { hnsw } = this.options;
    const built = this.meta.get<Omit<HnswParams, 'ef'>>('hnsw');
    const expected = this.papers.countWithVectors();
    const sameParams = built?.M === hnsw.M && built?.efConstruction === hnsw.efConstruction;
    if (existsSync(file) && sameParams) {
      const index = VectorIndex.load(file, dims, hnsw.ef);
      if (index.size === expected) return index;
      this.options.log?.(`index file holds ${index.size} vectors but SQLite has ${expected}; rebuilding from stored vectors`);
    } else if (expected > 0) {
      this.options.log?.(
        existsSync(file)
          ? `HNSW parameters changed (M ${built?.M}→${hnsw.M}, efConstruction ${built?.efConstruction}→${hnsw.efConstruction}); rebuilding from stored vectors`
          : `no index file in ${this.options.dataDir}; rebuilding it from ${expected} stored vectors`,
      );
    }
    const index = VectorIndex.create(dims, hnsw, expected * 2);
    for (const { label, vector } of this.papers.allVectors()) index.upsert(label, vector);
    if (expected > 0) {
      this.index = index;
      this.save();
    }
    return index;
  }
}
