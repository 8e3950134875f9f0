// The keyword side of the store for the ranker (../search/keyword-ranker.ts): FTS5's postings and
// document lengths for one consistent state of the index, and FTS5's own tokenizer for queries.
//
// Decoded postings are cached (LRU, bounded in bytes) until the index changes: the FTS5 structure
// record is rewritten by every write, so its bytes are the version. A frequent word's postings at
// a million papers take ~20–40 ms to decode and 8 bytes a document to keep, so the cache is what
// makes common query words cheap; PAPERSEEK_POSTINGS_CACHE_MB bounds it.
import { LRUCache } from 'lru-cache';
import { DEFAULT_POSTINGS_CACHE_BYTES } from '../defaults.ts';
import type { Db } from './database.ts';
import { Fts5Postings, type CollectionStats, type Postings } from './fts5-postings.ts';
import { StatementCache } from './statements.ts';

export const FTS_TABLE = 'papers_fts';
/** Title and abstract, in the table's column order. */
export const FTS_COLUMNS = 2;
/** The papers_fts tokenizer (./database.ts); queries and highlights use the same one. */
export const FTS_TOKENIZE = `'porter unicode61 remove_diacritics 2'`;

export interface KeywordView {
  /** The same object for as long as the index does not change: keys what is derived from it. */
  stamp: object;
  documents: number;
  averageLength: number[];
  lengths: Uint32Array[];
  rowLimit: number;
  postings(term: string): Postings;
}

export class KeywordIndex {
  private readonly fts: Fts5Postings;
  private readonly statements: StatementCache;
  private readonly cache: LRUCache<string, Postings>;
  private readonly lengths: DocumentLengths;
  private version: Buffer | undefined;
  /** What the view derives from the index's state, recomputed only when that state changes. */
  private state: Omit<KeywordView, 'postings'> | undefined;

  constructor(
    private readonly db: Db,
    { cacheBytes = DEFAULT_POSTINGS_CACHE_BYTES }: { cacheBytes?: number } = {},
  ) {
    this.fts = new Fts5Postings(db, FTS_TABLE, FTS_COLUMNS);
    this.statements = new StatementCache(db);
    this.lengths = new DocumentLengths(db, FTS_COLUMNS);
    this.cache = new LRUCache<string, Postings>({
      maxSize: Math.max(1, cacheBytes),
      // Rows and counts (8 bytes a posting at two columns), plus the 4 bytes a posting of impacts the
      // ranker keeps alongside (../search/keyword-ranker.ts): as many bytes as the rows.
      sizeCalculation: (postings) => Math.max(1, postings.rows.byteLength * 2 + postings.counts.reduce((sum, column) => sum + column.byteLength, 0)),
    });
  }

  /**
   * Runs `read` on one state of the index (a read transaction, so a commit in another process
   * cannot land between the statistics and the postings).
   */
  read<T>(read: (view: KeywordView) => T): T {
    return this.db.transaction(() => read(this.view()))();
  }

  /** FTS5's terms for the text (stemmed, folded), each with how often it occurs. */
  terms(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    if (!text.trim()) return counts;
    this.statements.get(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_text USING fts5(text, tokenize = ${FTS_TOKENIZE})`).run();
    this.statements.get('CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_tokens USING fts5vocab(temp, query_text, instance)').run();
    this.statements.get('INSERT INTO temp.query_text (rowid, text) VALUES (1, ?)').run(text);
    try {
      for (const term of this.statements.get<string>('SELECT term FROM temp.query_tokens').pluck().all() as string[]) {
        counts.set(term, (counts.get(term) ?? 0) + 1);
      }
    } finally {
      this.statements.get('DELETE FROM temp.query_text').run();
    }
    return counts;
  }

  /** How many papers contain any of the text's words (as FTS5 tokenizes and stems them). */
  matching(text: string): number {
    const terms = [...this.terms(text).keys()];
    return this.read((view) => new Set(terms.flatMap((term) => [...view.postings(term).rows])).size);
  }

  private view(): KeywordView {
    const version = this.fts.version();
    if (!this.state || !this.version || !version || !this.version.equals(version)) {
      this.cache.clear();
      this.version = version;
      const stats = this.fts.stats();
      this.lengths.refresh(stats);
      this.state = {
        stamp: {},
        documents: stats.rows,
        averageLength: stats.tokens.map((tokens) => (stats.rows > 0 ? tokens / stats.rows : 0)),
        lengths: this.lengths.columns,
        rowLimit: this.lengths.rowLimit,
      };
    }
    return { ...this.state, postings: this.postings };
  }

  private readonly postings = (term: string): Postings => {
    let postings = this.cache.get(term);
    if (!postings) {
      postings = this.fts.postings(term);
      this.cache.set(term, postings);
    }
    return postings;
  };
}

/**
 * Tokens per column of every row, from FTS5's %_docsize table, kept in memory (4 bytes a column a
 * paper). After a write only the new rows are read; when the totals then disagree with FTS5's
 * (rows updated or deleted) everything is read again.
 */
class DocumentLengths {
  columns: Uint32Array[];
  rowLimit = 0;
  private lastRow = 0;
  private rows = 0;
  private tokens: number[];
  private readonly after;

  constructor(
    db: Db,
    private readonly columnCount: number,
  ) {
    this.columns = Array.from({ length: columnCount }, () => new Uint32Array(0));
    this.tokens = new Array<number>(columnCount).fill(0);
    this.after = db.prepare<unknown[], [number, Buffer]>(`SELECT id, sz FROM "${FTS_TABLE}_docsize" WHERE id > ? ORDER BY id`).raw();
  }

  /** Brings the lengths up to the index's state (`stats`, from the same read transaction). */
  refresh(stats: CollectionStats): void {
    this.load(this.lastRow);
    const agrees = this.rows === stats.rows && this.tokens.every((total, c) => total === stats.tokens[c]);
    if (!agrees) {
      this.columns = this.columns.map((column) => new Uint32Array(column.length));
      this.tokens.fill(0);
      this.rows = 0;
      this.lastRow = 0;
      this.load(0);
    }
  }

  private load(afterRow: number): void {
    for (const [row, sizes] of this.after.iterate(afterRow) as Iterable<[number, Buffer]>) {
      if (row >= this.columns[0]!.length) this.grow(row + 1);
      let at = 0;
      for (let c = 0; c < this.columnCount; c++) {
        let value = 0;
        let byte: number;
        do {
          byte = sizes[at++] ?? 0;
          value = value * 128 + (byte & 0x7f);
        } while (byte >= 0x80);
        this.columns[c]![row] = value;
        this.tokens[c]! += value;
      }
      this.rows++;
      this.lastRow = row;
    }
    this.rowLimit = this.lastRow + 1;
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, Math.ceil(this.columns[0]!.length * 1.5), 1024);
    this.columns = this.columns.map((column) => {
      const grown = new Uint32Array(capacity);
      grown.set(column);
      return grown;
    });
  }
}
