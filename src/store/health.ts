// Storage health: SQLite's own page-level check plus the FTS5 keyword index's integrity check,
// and what the data dir holds. Used by `paperseek check` (and cheap enough for a server start).
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppError, messageOf } from '../errors.ts';
import { DB_FILE, quickCheck } from './database.ts';
import { IndexFiles } from './index-files.ts';

export interface StorageReport {
  dataDir: string;
  file: string;
  status: 'ok' | 'corrupt';
  /** What the checks found wrong; empty when ok. */
  problems: string[];
  /** The keyword index's own check; skipped when the page check already failed or a writer held the database. */
  fulltext: 'ok' | 'corrupt' | 'skipped';
  counts: { papers: number; embedded: number; pendingVectors: number } | null;
  /** The published HNSW file of the generation SQLite records (a cache: a writer rebuilds it when missing). */
  index: { generation: number; file: string; bytes: number | null } | null;
}

/** How to get a sound index back; printed with every "corrupt" verdict. */
export const RECOVERY_ADVICE =
  'To recover: ingest your sources again into a new data dir (PAPERSEEK_DATA_DIR=<new dir> paperseek ingest <files…>), ' +
  'or restore a backup made by `paperseek backup <dir>` (copy its files into an empty data dir and point PAPERSEEK_DATA_DIR at it).';

const CORRUPTION = /^SQLITE_(CORRUPT|NOTADB)/;
export const isCorruption = (error: unknown): boolean => CORRUPTION.test(String((error as { code?: unknown } | null)?.code ?? ''));

/** Checks the index in `dataDir` without changing it. Throws NOT_FOUND when there is none. */
export function checkStorage(dataDir: string): StorageReport {
  const file = path.join(dataDir, DB_FILE);
  if (!existsSync(file)) {
    throw new AppError('NOT_FOUND', `No index in ${dataDir}: nothing to check (set PAPERSEEK_DATA_DIR to the data dir to check).`);
  }
  const report: StorageReport = { dataDir, file, status: 'ok', problems: [], fulltext: 'skipped', counts: null, index: null };
  let db: Database.Database | undefined;
  try {
    // Read-write only because FTS5 runs its integrity check as an INSERT; nothing is written.
    db = new Database(file, { fileMustExist: true, timeout: 5000 });
    // One problem per line of output: quick_check's lines may hold a header ("*** in database main ***") and newlines.
    const problems = quickCheck(db).flatMap((problem) => problem.replace(/\*\*\* in database \w+ \*\*\*/g, '').split('\n'));
    report.problems.push(
      ...problems
        .map((problem) => problem.trim())
        .filter(Boolean)
        .map((problem) => `SQLite: ${problem}`),
    );
    if (report.problems.length === 0) {
      report.fulltext = checkFulltext(db, report.problems);
      report.counts = counts(db);
      report.index = indexFile(db, dataDir);
    }
  } catch (error) {
    if (!isCorruption(error)) throw error;
    report.problems.push(`SQLite: ${messageOf(error)}`);
  } finally {
    db?.close();
  }
  if (report.problems.length > 0) report.status = 'corrupt';
  return report;
}

function checkFulltext(db: Database.Database, problems: string[]): StorageReport['fulltext'] {
  try {
    // rank 1: also compares the index with the papers table it is built from (external content).
    db.prepare("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)").run();
    return 'ok';
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_BUSY')) return 'skipped'; // a writer (ingest) holds the database
    if (!isCorruption(error)) throw error;
    problems.push(`keyword index (FTS5) does not match the papers table: ${messageOf(error)}`);
    return 'corrupt';
  }
}

function counts(db: Database.Database): StorageReport['counts'] {
  const papers = (db.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
  // Through the partial index papers_pending: does not read every vector.
  const pendingVectors = (db.prepare('SELECT count(*) AS n FROM papers WHERE vector IS NULL').get() as { n: number }).n;
  return { papers, embedded: papers - pendingVectors, pendingVectors };
}

/** The generation SQLite records for the published HNSW file, and that file's size (null: missing). */
export function indexFile(db: Database.Database, dataDir: string): StorageReport['index'] {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'index'").get() as { value: string } | undefined;
  const generation = row ? (JSON.parse(row.value) as { generation?: unknown }).generation : undefined;
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation <= 0) return null;
  const file = new IndexFiles(dataDir).file(generation);
  let bytes: number | null = null;
  try {
    bytes = statSync(file).size;
  } catch {
    bytes = null;
  }
  return { generation, file, bytes };
}

/** What /health reports about the storage: the verdict of the last check the server ran. */
export type StorageStatus = 'ok' | 'corrupt' | 'unchecked';

// Runs in a worker thread (CommonJS, eval'd: no separate file to compile or ship).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma('quick_check(5)');
  parentPort.postMessage({ problems: rows.map((row) => row.quick_check).filter((line) => line !== 'ok') });
} catch (error) {
  parentPort.postMessage({ error: { code: String(error.code ?? ''), message: String(error.message) } });
} finally {
  if (db) db.close();
}
`;

/**
 * SQLite's quick_check of `file` on a worker thread with its own read-only connection, so a
 * server keeps answering while it reads the whole file. 'unchecked' when the check itself could
 * not run (file gone, busy): only a real finding says 'corrupt'.
 */
export function quickCheckOffThread(file: string): Promise<{ status: StorageStatus; problems: string[] }> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file, module } });
    worker.unref();
    let settled = false;
    const finish = (result: { status: StorageStatus; problems: string[] }) => {
      if (settled) return;
      settled = true;
      resolve(result);
      void worker.terminate();
    };
    worker.once('message', (message: { problems?: string[]; error?: { code: string; message: string } }) => {
      if (message.error) {
        finish(
          isCorruption(message.error) ? { status: 'corrupt', problems: [message.error.message] } : { status: 'unchecked', problems: [message.error.message] },
        );
      } else {
        const problems = message.problems ?? [];
        finish({ status: problems.length > 0 ? 'corrupt' : 'ok', problems });
      }
    });
    worker.once('error', (error) => finish({ status: 'unchecked', problems: [messageOf(error)] }));
    worker.once('exit', () => finish({ status: 'unchecked', problems: ['the check stopped before answering'] }));
  });
}
