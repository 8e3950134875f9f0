// Opens the SQLite file and brings its schema to the current version.
// WAL so a server can read while an ingest in another process writes.
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';

export type Db = Database.Database;

/** The SQLite file of a data dir; its HNSW files are named by ./index-files.ts. */
export const DB_FILE = 'papers.db';

export const SCHEMA_VERSION = 4;

/** The database file of a data dir (callers outside the store never spell its name). */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, DB_FILE);
}

/** Whether the data dir holds an index (its database file). */
export function storeExists(dataDir: string): boolean {
  return existsSync(databasePath(dataDir));
}

const SCHEMA_V1 = `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  -- label is the paper's key in the HNSW index. AUTOINCREMENT so a label is never reused,
  -- even after a delete: a stale index entry can then never point at the wrong paper.
  CREATE TABLE papers (
    label         INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    abstract      TEXT NOT NULL,
    authors       TEXT,
    authors_count INTEGER,
    published     TEXT,
    upvotes       INTEGER,
    url           TEXT,
    github_url    TEXT,
    project_url   TEXT,
    extra         TEXT NOT NULL DEFAULT '{}',
    content_hash  TEXT NOT NULL,
    record_hash   TEXT NOT NULL,
    vector        BLOB,
    updated_at    TEXT NOT NULL
  );
`;

// Keyword search: FTS5 over title + abstract, stored as an external-content table over papers
// (no second copy of the text) and kept in sync by triggers, so every write path updates it.
// Porter stemming so "disentangled" matches "disentanglement"; diacritics folded.
const SCHEMA_V2 = `
  CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract,
    content = 'papers', content_rowid = 'label',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.label, new.title, new.abstract);
  END;
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.label, old.title, old.abstract);
  END;
  CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.label, old.title, old.abstract);
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.label, new.title, new.abstract);
  END;
  INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');
  -- A title match counts twice an abstract match (BM25 field weights), as in BEIR's BM25 setups.
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
  CREATE INDEX papers_published ON papers (published);
  CREATE INDEX papers_upvotes ON papers (upvotes);
`;

// Counting the papers that have a vector (the candidates of semantic search, reported as `total`)
// otherwise reads every row's vector BLOB: 84 % of a 100k-paper query's time (BENCHMARKS.md).
const SCHEMA_V3 = `
  CREATE INDEX papers_with_vector ON papers (published, upvotes, github_url) WHERE vector IS NOT NULL;
`;

// Version 4: the last update date, subject categories (JSON array text) and DOI real sources give.
// The category filter must not read every paper's JSON at millions of papers, so each (category,
// paper) pair is also a row of paper_categories, kept in sync by triggers like the FTS5 index: one
// B-tree lookup (exact) or range (prefix: `cs.*` is `cs.` ≤ category < `cs/`) yields the labels.
// NOCASE, so `cs.lg` finds `cs.LG` (the filter folds its value the same way; see ./category.ts).
// Rows are found and removed through the old JSON, not by label, which has no index of its own.
const SCHEMA_V4 = `
  ALTER TABLE papers ADD COLUMN updated TEXT;
  ALTER TABLE papers ADD COLUMN categories TEXT;
  ALTER TABLE papers ADD COLUMN doi TEXT;
  CREATE TABLE paper_categories (
    category TEXT NOT NULL COLLATE NOCASE,
    label    INTEGER NOT NULL,
    PRIMARY KEY (category, label)
  ) WITHOUT ROWID;
  -- OR IGNORE: a source may list one category twice (or in two spellings of case).
  CREATE TRIGGER paper_categories_insert AFTER INSERT ON papers WHEN new.categories IS NOT NULL BEGIN
    INSERT OR IGNORE INTO paper_categories (category, label)
      SELECT DISTINCT value COLLATE NOCASE, new.label FROM json_each(new.categories) WHERE type = 'text';
  END;
  CREATE TRIGGER paper_categories_delete AFTER DELETE ON papers WHEN old.categories IS NOT NULL BEGIN
    DELETE FROM paper_categories
      WHERE label = old.label AND category IN (SELECT value FROM json_each(old.categories) WHERE type = 'text');
  END;
  CREATE TRIGGER paper_categories_update AFTER UPDATE OF categories ON papers WHEN old.categories IS NOT new.categories BEGIN
    DELETE FROM paper_categories
      WHERE label = old.label AND category IN (SELECT value FROM json_each(old.categories) WHERE type = 'text');
    INSERT OR IGNORE INTO paper_categories (category, label)
      SELECT DISTINCT value COLLATE NOCASE, new.label FROM json_each(new.categories) WHERE type = 'text';
  END;
  INSERT OR IGNORE INTO paper_categories (category, label)
    SELECT DISTINCT value COLLATE NOCASE, papers.label FROM papers, json_each(papers.categories)
    WHERE papers.categories IS NOT NULL AND json_each.type = 'text';
  -- Ingest pages through the papers still waiting for a vector (PaperTable.pendingAfter): with
  -- this index that reads only them, not every row of a mostly embedded table.
  CREATE INDEX papers_pending ON papers (label) WHERE vector IS NULL;
  -- FTS5 merges segments once 16 (default 4) of one size exist: each posting is rewritten about
  -- half as often during a bulk ingest. Measured at 300k arXiv-shaped papers: ingest 4,400 →
  -- 5,170 records/s, keyword top-10 over 200 SciFact claims unchanged (p50 518 vs 527 ms).
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 16);
`;

/** Migration n brings version n to n + 1. Append only: a released step never changes (tests replay old ones). */
export const MIGRATIONS: readonly string[] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4];

/** The database file this process opened last: the one a bare SQLite error is about (see storageFailure). */
let lastOpened: string | undefined;

export function openDatabase(file: string): Db {
  lastOpened = path.resolve(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    const file = db.name;
    db.close();
    throw new AppError(
      'INDEX_MISMATCH',
      `${file} was written by a newer paperseek (database schema version ${version}; this one reads up to ${SCHEMA_VERSION}): ` +
        'upgrade paperseek to use it, or set PAPERSEEK_DATA_DIR to another folder.',
      { file, schema_version: version, supported: SCHEMA_VERSION },
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let next = version; next < SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/**
 * `PRAGMA quick_check`: SQLite's own consistency check of every page, row and index entry, in
 * roughly the time of a full read (seconds at 100k papers). Returns the problems it reports
 * (empty when the file is sound). A file too damaged to read at all throws SQLITE_CORRUPT/NOTADB.
 */
export function quickCheck(db: Db, maxProblems = 20): string[] {
  const rows = db.pragma(`quick_check(${Math.max(1, Math.floor(maxProblems))})`) as { quick_check: string }[];
  const problems = rows.map((row) => row.quick_check);
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
}

/** SQLite result codes that mean the storage itself failed (no space, I/O error, cannot open). */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|CANTOPEN)/;

/**
 * Turns a raw SQLite storage error (better-sqlite3's SqliteError: "database or disk is full", with
 * no path) into one line naming the database file and the free space on its disk, as
 * AppError('STORAGE_FAILED'); undefined for any other error. `file` defaults to the database this
 * process opened last (a CLI process opens one).
 */
export function storageFailure(error: unknown, file: string | undefined = lastOpened): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_CODES.test(code) || !(error instanceof Error)) return undefined;
  const where = file ?? 'the database';
  const dir = file ? path.dirname(file) : undefined;
  const free = dir ? freeSpace(dir) : undefined;
  const room = free === undefined ? '' : `; ${formatBytes(free)} free on the disk of ${dir}`;
  const advice = code.startsWith('SQLITE_FULL')
    ? 'Free some space (or set PAPERSEEK_DATA_DIR to a disk with room) and run again; papers already committed are kept.'
    : code.startsWith('SQLITE_CANTOPEN')
      ? 'Check that the folder exists and is writable, or set PAPERSEEK_DATA_DIR to one that is.'
      : 'Check the disk (dmesg, free space); then run `paperseek check`.';
  return new AppError('STORAGE_FAILED', `Storage failed on ${where}: ${error.message} (${code})${room}. ${advice}`, { file, code, free }, { cause: error });
}

function freeSpace(dir: string): number | undefined {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : bytes < 1024 ** 3
        ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
        : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
