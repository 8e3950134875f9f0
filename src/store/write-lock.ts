// One writer per data dir: a lock file holding the writer's pid. A lock left by a process that
// no longer exists (killed ingest) is taken over, so a crash never blocks the next run.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

export class WriteLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): WriteLock {
    const file = path.join(dir, 'write.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new WriteLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(file, 'utf8'));
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
          throw new AppError('STORAGE_BUSY', `Another process (pid ${holder}) is writing to ${dir}; wait for it to finish.`, { pid: holder });
        }
        rmSync(file, { force: true });
      }
    }
    throw new AppError('STORAGE_BUSY', `Could not take the write lock ${file}.`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
