// `paperseek backup`: a consistent copy of a data dir while it is in use. SQLite's online backup
// API copies papers.db as of one moment (a server may be reading, an ingest writing); the HNSW
// file copied beside it is the generation that copy records, so the pair opens as a sound index.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError, messageOf } from '../errors.ts';
import { DB_FILE, quickCheck, storageFailure } from './database.ts';
import { indexFile } from './health.ts';
import { INDEX_FILE } from './index-files.ts';

export interface BackupResult {
  target: string;
  papers: number;
  /** Generation of the copied HNSW file; null when none was published (or it was gone). */
  generation: number | null;
  files: { name: string; bytes: number }[];
  /** Why the HNSW file was not copied, when it was not (a writer rebuilds it from the stored vectors). */
  note?: string;
}

export async function backupStore(dataDir: string, target: string): Promise<BackupResult> {
  const source = path.join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new AppError('NOT_FOUND', `No index in ${dataDir}: nothing to back up (set PAPERSEEK_DATA_DIR to the data dir to back up).`);
  try {
    mkdirSync(target, { recursive: true });
  } catch (error) {
    throw new AppError('STORAGE_FAILED', `Cannot use backup folder ${target}: ${messageOf(error)}.`, { target }, { cause: error });
  }
  const clash = readdirSync(target).find((name) => name === DB_FILE || INDEX_FILE.test(name));
  if (clash) throw new AppError('BAD_REQUEST', `${target} already holds an index (${clash}); back up into an empty or new folder.`, { target });

  const copy = path.join(target, DB_FILE);
  const partial = path.join(target, `.${DB_FILE}.partial`);
  const files: BackupResult['files'] = [];
  let papers = 0;
  let index: ReturnType<typeof indexFile> = null;
  try {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await db.backup(partial);
    } finally {
      db.close();
    }
    // Check the copy before it takes the real name: a backup of a damaged file is no backup.
    const check = new Database(partial, { fileMustExist: true });
    try {
      const problems = quickCheck(check, 5);
      if (problems.length > 0) {
        throw new AppError('STORAGE_FAILED', `The copy of ${source} fails SQLite's check (${problems.join('; ')}); run \`paperseek check\` on ${dataDir}.`, {
          problems,
        });
      }
      papers = (check.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
      index = indexFile(check, dataDir); // the generation the copy records, its file in the source dir
    } finally {
      check.close();
    }
    renameSync(partial, copy);
    files.push({ name: DB_FILE, bytes: statSync(copy).size });
  } catch (error) {
    rmSync(partial, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(partial + suffix, { force: true });
    throw storageFailure(error, copy) ?? error;
  }

  if (!index) return { target, papers, generation: null, files, note: 'no index file published yet' };
  if (index.bytes === null) {
    // Published generations are immutable but pruned once two newer ones exist.
    return { target, papers, generation: null, files, note: `index file ${path.basename(index.file)} is gone (a newer one was published meanwhile)` };
  }
  const name = path.basename(index.file);
  const temp = path.join(target, `.${name}.partial`);
  try {
    copyFileSync(index.file, temp);
    renameSync(temp, path.join(target, name));
  } catch (error) {
    rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { target, papers, generation: null, files, note: `index file ${name} is gone (a newer one was published meanwhile)` };
    }
    throw new AppError('STORAGE_FAILED', `Could not copy ${index.file} to ${target}: ${messageOf(error)}.`, { file: index.file, target }, { cause: error });
  }
  files.push({ name, bytes: statSync(path.join(target, name)).size });
  return { target, papers, generation: index.generation, files };
}
