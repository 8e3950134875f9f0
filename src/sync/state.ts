// What each sync source remembers between runs, in the index's meta table (one `sync:<source>`
// row each): its high-water mark (the last complete HF day, the newest OAI datestamp or arXiv
// `updated` date seen), where an unfinished run stopped (resumption token / next date / start
// offset), and how the last run went. Kept in the same papers.db as the papers it describes, so a
// copy or backup of the index carries it along.
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databasePath, openDatabase, type Db } from '../store/database.ts';
import { MetaTable } from '../store/meta.ts';

export const META_PREFIX = 'sync:';

export interface RunCounts {
  /** Days (HF) or pages (arXiv) fetched. */
  units: number;
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  deleted: number;
}

export interface LastRun {
  startedAt: string;
  finishedAt: string | null;
  /** running: started and not finished (still going, or killed: the next run resumes). */
  status: 'running' | 'ok' | 'failed';
  /** For a failed run: the source, URL and last error. */
  error: string | null;
  counts: RunCounts | null;
}

export interface SourceState {
  /** e.g. `hf-daily`, `arxiv:cs`, `arxiv-query:cat:cs.CV AND abs:diffusion`. */
  source: string;
  /** Date (YYYY-MM-DD) up to which the source is known to be synced; null before the first complete run. */
  highWater: string | null;
  /** Where an unfinished run stopped (source-specific); null when the last run finished. */
  resume: unknown;
  lastRun: LastRun | null;
  /** When a run last finished without error. */
  lastSuccessAt: string | null;
}

/** One source as /health should show it. */
export interface SourceStatus {
  source: string;
  /** ISO time the last run started / finished (null while running or after a kill). */
  lastSyncAt: string | null;
  status: 'never' | 'running' | 'ok' | 'failed';
  error: string | null;
  highWater: string | null;
  lastSuccessAt: string | null;
  /** A run was interrupted and the next one continues from where it stopped. */
  resumable: boolean;
}

export const emptyState = (source: string): SourceState => ({ source, highWater: null, resume: null, lastRun: null, lastSuccessAt: null });

/** The sync rows of one index, through its own connection to papers.db (the store keeps its own). */
export class SyncStateStore {
  private readonly meta: MetaTable;
  private readonly listStatement;

  private constructor(private readonly db: Db) {
    this.meta = new MetaTable(db);
    this.listStatement = db.prepare<[string], { key: string }>("SELECT key FROM meta WHERE key LIKE ? ESCAPE '\\' ORDER BY key");
  }

  /** Opens papers.db of a data dir for writing sync state (the caller holds the store's write lock). */
  static open(dataDir: string): SyncStateStore {
    return new SyncStateStore(openDatabase(databasePath(dataDir)));
  }

  get(source: string): SourceState {
    return { ...emptyState(source), ...this.meta.get<SourceState>(META_PREFIX + source) };
  }

  set(state: SourceState): void {
    this.meta.set(META_PREFIX + state.source, state);
  }

  /** Changes one source's row in one transaction. */
  update(source: string, change: (state: SourceState) => SourceState): SourceState {
    return this.db.transaction(() => {
      const next = change(this.get(source));
      this.set(next);
      return next;
    })();
  }

  all(): SourceState[] {
    return this.listStatement.all(`${META_PREFIX.replace(/[%_\\]/g, '\\$&')}%`).map((row) => this.get(row.key.slice(META_PREFIX.length)));
  }

  close(): void {
    this.db.close();
  }
}

export function statusOf(state: SourceState): SourceStatus {
  const run = state.lastRun;
  return {
    source: state.source,
    lastSyncAt: run ? (run.finishedAt ?? run.startedAt) : null,
    status: run ? run.status : 'never',
    error: run?.error ?? null,
    highWater: state.highWater,
    lastSuccessAt: state.lastSuccessAt,
    resumable: state.resume !== null && state.resume !== undefined,
  };
}

/**
 * Every synced source of the index in `dataDir`, with its last sync time, status and high-water
 * mark; [] when there is no index or nothing was ever synced. Opens papers.db read-only for the
 * call, so a server (a reader) may call it at any time, also while a sync is writing.
 */
export function syncStatus(dataDir: string): SourceStatus[] {
  const file = databasePath(dataDir);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return [];
    const rows = db.prepare<[string], { key: string; value: string }>("SELECT key, value FROM meta WHERE key LIKE ? ESCAPE '\\' ORDER BY key").all('sync:%');
    return rows.map((row) => statusOf({ ...emptyState(row.key.slice(META_PREFIX.length)), ...(JSON.parse(row.value) as SourceState) }));
  } finally {
    db.close();
  }
}
