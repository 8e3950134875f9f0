// Opens the SQLite file and brings its schema to the current version.
// WAL so a server can read while an ingest in another process writes.
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const SCHEMA_VERSION = 1;

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

export function openDatabase(file: string): Db {
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
    throw new Error(`database schema version ${version} is newer than this paperseek (${SCHEMA_VERSION}); upgrade paperseek`);
  }
  if (version < 1) {
    db.transaction(() => {
      db.exec(SCHEMA_V1);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }
}
