// One writer per data dir, held as an OS-level lock that dies with its holder: the writer opens
// `<dataDir>/write.lock.db` (an empty SQLite database in rollback-journal mode) and keeps an
// exclusive transaction open for its lifetime. SQLite takes that as a POSIX lock on the file,
// which the kernel drops when the process ends however it ends (kill -9, crash, power loss), so a
// lock can never go stale — unlike the pid file used before, which a reused pid (after a reboot,
// in a container) could keep "alive" forever. A second writer, in this process or another, gets
// SQLITE_BUSY at once (busy timeout 0) and a clear STORAGE_BUSY error naming the data dir.
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError, messageOf } from '../errors.ts';

export const LOCK_FILE = 'write.lock.db';
/** The pid file of earlier versions; it means nothing now and is removed by the next writer. */
const LEGACY_LOCK_FILE = 'write.lock';

export class WriteLock {
  private constructor(private readonly db: Database.Database) {}

  static acquire(dir: string): WriteLock {
    const file = path.join(dir, LOCK_FILE);
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: 0 });
      // Rollback journal: an exclusive transaction then locks the file itself (WAL would not).
      db.pragma('journal_mode = DELETE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db?.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new AppError(
          'STORAGE_BUSY',
          `Another process is writing to ${dir} (it holds the lock ${file}); wait for it to finish.`,
          { dir, file },
          { cause: error },
        );
      }
      throw new AppError(
        'STORAGE_FAILED',
        `Cannot take the write lock ${file}: ${messageOf(error)}. Set PAPERSEEK_DATA_DIR to a writable folder.`,
        { dir, file },
        { cause: error },
      );
    }
    rmSync(path.join(dir, LEGACY_LOCK_FILE), { force: true });
    return new WriteLock(db);
  }

  release(): void {
    if (!this.db.open) return;
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } finally {
      this.db.close(); // closing alone releases the lock as well
    }
  }
}
