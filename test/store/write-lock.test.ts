// The write lock is an OS-level lock (SQLite's, on write.lock.db) that dies with its holder: no
// pid file to go stale, so a dead or recycled pid never blocks a writer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { WriteLock } from '../../src/store/write-lock.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';

const LOCK_MODULE = path.resolve('src/store/write-lock.ts');

let dir: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dir.remove();
});

/** A child process that takes the lock, says so, and holds it until killed. */
function holder(dataDir: string): Promise<ChildProcess> {
  const script = `import { WriteLock } from ${JSON.stringify(LOCK_MODULE)};\nWriteLock.acquire(${JSON.stringify(dataDir)});\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 1000);\n`;
  const file = path.join(dir.path, 'holder.mts');
  writeFileSync(file, script);
  // node itself with tsx's loader (not the tsx wrapper, which runs node as a grandchild): the pid we kill holds the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('locked')) resolve(child);
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${output}`)));
  });
}

describe('write lock', () => {
  it('is not blocked by a pid file of earlier versions, even one naming a live process', () => {
    // The parent of this test process is alive and unrelated: a pid file would have blocked forever.
    writeFileSync(path.join(dir.path, 'write.lock'), String(process.ppid));
    const lock = WriteLock.acquire(dir.path);
    expect(existsSync(path.join(dir.path, 'write.lock'))).toBe(false); // the leftover is cleaned up
    lock.release();
    writeFileSync(path.join(dir.path, 'write.lock'), '999999999'); // a dead pid
    WriteLock.acquire(dir.path).release();
  });

  it('allows one writer at a time within a process, and frees the lock on release', () => {
    const first = WriteLock.acquire(dir.path);
    expect(() => WriteLock.acquire(dir.path)).toThrowError(AppError);
    expect(() => WriteLock.acquire(dir.path)).toThrowError(`Another process is writing to ${dir.path}`);
    first.release();
    first.release(); // idempotent
    WriteLock.acquire(dir.path).release();
  });

  it('blocks while another process holds it, and frees it the moment that process is killed', async () => {
    const child = await holder(dir.path);
    let error: unknown;
    try {
      PaperStore.open({ dataDir: dir.path, hnsw: HNSW });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('STORAGE_BUSY');
    expect((error as AppError).message).toBe(
      `Another process is writing to ${dir.path} (it holds the lock ${path.join(dir.path, 'write.lock.db')}); wait for it to finish.`,
    );
    // Readers never take the lock.
    PaperStore.open({ dataDir: dir.path, hnsw: HNSW, role: 'reader' }).close();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const started = Date.now();
    PaperStore.open({ dataDir: dir.path, hnsw: HNSW }).close(); // no stale lock, no waiting
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('is a clear storage error when the lock file cannot be created', () => {
    const missing = path.join(dir.path, 'no', 'such', 'dir');
    expect(() => WriteLock.acquire(missing)).toThrowError(/Cannot take the write lock .*write\.lock\.db/);
  });
});
