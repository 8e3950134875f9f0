// The papers table: metadata, content hashes, stored vectors, and the paper id ↔ HNSW label
// mapping (the table's integer key), all written in the caller's transaction.
import type { PaperRecord } from '../sources/record.ts';
import type { Db } from './database.ts';
import { filterCondition, type PaperFilter } from './filters.ts';
import { StatementCache } from './statements.ts';
import { blobToVector, vectorToBlob } from './vector-codec.ts';

export interface PaperHashes {
  /** Hash of the embedded text: when it changes the vector must be recomputed. */
  content: string;
  /** Hash of the whole record: when only it changes, metadata is updated in place. */
  record: string;
}

export interface PaperState {
  label: number;
  contentHash: string;
  recordHash: string;
}

/** A paper as stored: authors, categories and extra fields as JSON text, plus its HNSW label. */
type PaperRow = Omit<PaperRecord, 'authors' | 'categories' | 'extra'> & {
  label: number;
  authors: string | null;
  categories: string | null;
  extra: string;
};

const PAPER_COLUMNS = 'label, id, title, abstract, authors, authors_count, published, updated, categories, doi, upvotes, url, github_url, project_url, extra';

export class PaperTable {
  private readonly statements;
  private readonly filtered: StatementCache;

  constructor(db: Db) {
    this.filtered = new StatementCache(db);
    this.statements = {
      state: db.prepare<[string], { label: number; content_hash: string; record_hash: string }>(
        'SELECT label, content_hash, record_hash FROM papers WHERE id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO papers (id, title, abstract, authors, authors_count, published, updated, categories, doi, upvotes, url,
                             github_url, project_url, extra, content_hash, record_hash, vector, updated_at)
         VALUES (@id, @title, @abstract, @authors, @authors_count, @published, @updated, @categories, @doi, @upvotes, @url,
                 @github_url, @project_url, @extra, @content_hash, @record_hash, @vector, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE papers SET title = @title, abstract = @abstract, authors = @authors, authors_count = @authors_count,
                published = @published, updated = @updated, categories = @categories, doi = @doi, upvotes = @upvotes,
                url = @url, github_url = @github_url, project_url = @project_url,
                extra = @extra, content_hash = @content_hash, record_hash = @record_hash,
                vector = COALESCE(@vector, vector), updated_at = @updated_at
         WHERE id = @id`,
      ),
      byId: db.prepare<[string], PaperRow>(`SELECT ${PAPER_COLUMNS} FROM papers WHERE id = ?`),
      // One query per page of results: labels travel as a JSON array parameter.
      byLabels: db.prepare<[string], PaperRow>(`SELECT ${PAPER_COLUMNS} FROM papers WHERE label IN (SELECT value FROM json_each(?))`),
      delete: db.prepare<[string], { label: number; vector: Buffer | null }>('DELETE FROM papers WHERE id = ? RETURNING label, vector'),
      setVector: db.prepare<[Buffer, string]>('UPDATE papers SET vector = ? WHERE id = ?'),
      vectorById: db.prepare<[string], { label: number; vector: Buffer | null }>('SELECT label, vector FROM papers WHERE id = ?'),
      vectors: db.prepare<[], { label: number; vector: Buffer }>('SELECT label, vector FROM papers WHERE vector IS NOT NULL ORDER BY label'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM papers'),
      ids: db.prepare<[], string>('SELECT id FROM papers ORDER BY label').pluck(),
      pendingAfter: db.prepare<[number, number], PaperRow>(`SELECT ${PAPER_COLUMNS} FROM papers WHERE vector IS NULL AND label > ? ORDER BY label LIMIT ?`),
    };
  }

  state(id: string): PaperState | undefined {
    const row = this.statements.state.get(id);
    return row && { label: row.label, contentHash: row.content_hash, recordHash: row.record_hash };
  }

  /** Inserts a new paper and returns the label allocated to it. */
  insert(record: PaperRecord, hashes: PaperHashes, vector: Float32Array | null): number {
    const result = this.statements.insert.run(toParams(record, hashes, vector));
    return Number(result.lastInsertRowid);
  }

  /** Replaces a paper's fields; a null vector keeps the stored one (metadata-only change). */
  update(record: PaperRecord, hashes: PaperHashes, vector: Float32Array | null): void {
    this.statements.update.run(toParams(record, hashes, vector));
  }

  /** Deletes a paper; returns its label and whether it had a vector, or undefined if unknown. */
  delete(id: string): { label: number; hadVector: boolean } | undefined {
    const row = this.statements.delete.get(id);
    return row && { label: row.label, hadVector: row.vector !== null };
  }

  /** Stores the vector of an existing paper; returns its label, or undefined if the id is unknown. */
  setVector(id: string, vector: Float32Array): number | undefined {
    this.statements.setVector.run(vectorToBlob(vector), id);
    return this.statements.state.get(id)?.label;
  }

  get(id: string): PaperRecord | undefined {
    const row = this.statements.byId.get(id);
    return row && fromRow(row);
  }

  /** Papers for the given labels, keyed by label (missing labels are simply absent). */
  getByLabels(labels: readonly number[]): Map<number, PaperRecord> {
    const rows = labels.length === 0 ? [] : this.statements.byLabels.all(JSON.stringify(labels));
    return new Map(rows.map((row) => [row.label, fromRow(row)]));
  }

  vectorOf(id: string): { label: number; vector: Float32Array | null } | undefined {
    const row = this.statements.vectorById.get(id);
    return row && { label: row.label, vector: row.vector ? blobToVector(row.vector) : null };
  }

  *allVectors(): Generator<{ label: number; vector: Float32Array }> {
    for (const row of this.statements.vectors.iterate()) yield { label: row.label, vector: blobToVector(row.vector) };
  }

  /** Stored vectors of the papers that pass `filter` (for exact scans of small filtered sets). */
  *vectorsPassing(filter: PaperFilter | undefined): Generator<{ label: number; vector: Float32Array }> {
    const where = filterCondition(filter);
    const statement = this.filtered.get<{ label: number; vector: Buffer }>(`SELECT label, vector FROM papers WHERE vector IS NOT NULL AND ${where.sql}`);
    for (const row of statement.iterate(...where.params)) yield { label: row.label, vector: blobToVector(row.vector) };
  }

  /** The subset of `labels` whose papers pass `filter`. */
  labelsPassing(labels: readonly number[], filter: PaperFilter | undefined): Set<number> {
    // CROSS JOIN: the given labels drive (one rowid lookup each), whatever indexes the filter offers.
    const where = filterCondition(filter, 'papers', 'lookup');
    const statement = this.filtered.get<{ label: number }>(
      `SELECT papers.label FROM json_each(?) AS given CROSS JOIN papers ON papers.label = given.value WHERE ${where.sql}`,
    );
    return new Set(statement.all(JSON.stringify(labels), ...where.params).map((row) => row.label));
  }

  /** Every paper passing `filter`: one pass (or the category index), for when most papers would be asked. */
  labelsWhere(filter: PaperFilter | undefined): Set<number> {
    const where = filterCondition(filter);
    const statement = this.filtered.get<{ label: number }>(`SELECT label FROM papers WHERE ${where.sql}`);
    return new Set(statement.all(...where.params).map((row) => row.label));
  }

  /** Papers with a vector that pass `filter`: the candidates of semantic search. */
  countWithVectors(filter?: PaperFilter): number {
    const where = filterCondition(filter);
    const statement = this.filtered.get<{ n: number }>(`SELECT count(*) AS n FROM papers WHERE vector IS NOT NULL AND ${where.sql}`);
    return statement.get(...where.params)!.n;
  }

  /**
   * One page of the papers stored without a vector, in label order, after `afterLabel` (0 for the
   * first page): pass the last label of a page to get the next, so a million pending papers are
   * embedded page by page instead of loaded at once. Papers given a vector meanwhile drop out.
   */
  pendingAfter(afterLabel: number, limit: number): { label: number; record: PaperRecord }[] {
    return this.statements.pendingAfter.all(afterLabel, limit).map((row) => ({ label: row.label, record: fromRow(row) }));
  }

  count(): number {
    return this.statements.count.get()!.n;
  }

  ids(): string[] {
    return this.statements.ids.all();
  }
}

function toParams(record: PaperRecord, hashes: PaperHashes, vector: Float32Array | null) {
  return {
    id: record.id,
    title: record.title,
    abstract: record.abstract,
    authors: record.authors ? JSON.stringify(record.authors) : null,
    authors_count: record.authors_count,
    published: record.published,
    updated: record.updated,
    categories: record.categories ? JSON.stringify(record.categories) : null,
    doi: record.doi,
    upvotes: record.upvotes,
    url: record.url,
    github_url: record.github_url,
    project_url: record.project_url,
    extra: JSON.stringify(record.extra),
    content_hash: hashes.content,
    record_hash: hashes.record,
    vector: vector ? vectorToBlob(vector) : null,
    updated_at: new Date().toISOString(),
  };
}

function fromRow(row: PaperRow): PaperRecord {
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: row.authors ? (JSON.parse(row.authors) as string[]) : null,
    authors_count: row.authors_count,
    published: row.published,
    updated: row.updated,
    categories: row.categories ? (JSON.parse(row.categories) as string[]) : null,
    doi: row.doi,
    upvotes: row.upvotes,
    url: row.url,
    github_url: row.github_url,
    project_url: row.project_url,
    extra: JSON.parse(row.extra) as Record<string, unknown>,
  };
}
