// Index generations: atomic publication, recovery when SQLite and the index disagree,
// compaction, readers picking up new generations, and storage failures that lose nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/program.ts';
import { AppError } from '../../src/errors.ts';
import { storageFailure } from '../../src/store/database.ts';
import { PaperStore, type PaperReader } from '../../src/store/paper-store.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';
import { nearestId as nearest, paperWrites, sineVectors, storeOpener, testSpec } from '../support/store.ts';

const spec = testSpec(8);
const vector = sineVectors(8);
const papers = (from: number, to: number) => paperWrites(from, to, vector);

let dir: ReturnType<typeof tempDir>;
let lines: string[];
const { writer: open, reader: openReader } = storeOpener(
  () => dir.path,
  (line) => lines.push(line),
);
const hnswFiles = () =>
  readdirSync(dir.path)
    .filter((name) => name.endsWith('.hnsw'))
    .sort();
const nearestId = (store: PaperReader, i: number) => nearest(store, vector(i));

beforeEach(() => {
  dir = tempDir();
  lines = [];
});
afterEach(() => dir.remove());

describe('index generations', () => {
  it('publishes each save as a new generation and keeps only the previous one besides', () => {
    const store = open();
    store.bind(spec);
    for (let batch = 0; batch < 3; batch++) {
      store.write(papers(batch * 10, batch * 10 + 10));
      store.save();
    }
    expect(store.generation).toBe(3);
    expect(hnswFiles()).toEqual(['papers.2.hnsw', 'papers.3.hnsw']);
    store.close();
  });

  it('rebuilds from SQLite when writes were committed after the last generation (interrupted ingest)', () => {
    const store = open();
    store.bind(spec);
    store.write(papers(0, 10));
    store.save();
    store.write(papers(10, 15)); // committed, never published: the process "dies" here
    store.close();
    const reopened = open();
    expect(lines.join('\n')).toMatch(/does not include \(an interrupted ingest\); rebuilding the index from 15 stored vectors/);
    expect(nearestId(reopened, 12)).toBe('p12');
    expect(reopened.generation).toBe(2);
    reopened.close();
  });

  it('compacts by itself once deleted entries pass the threshold, and on request', () => {
    const store = open();
    store.bind(spec);
    store.write(papers(0, 20));
    store.save();
    store.delete(['p0', 'p1', 'p2']); // 15%: below the threshold
    store.save();
    expect(lines.some((line) => line.startsWith('compacting'))).toBe(false);
    store.delete(['p3', 'p4']); // 25%
    store.save();
    expect(lines.some((line) => line.startsWith('compacting: 5 of 20'))).toBe(true);
    expect(store.nearest(vector(9), 100)).toHaveLength(15);
    expect(store.compact()).toEqual({ before: 15, after: 15 });
    store.close();
  });

  it('lets a reader keep answering from its generation and pick up a new one whole', () => {
    const writer = open();
    writer.bind(spec);
    writer.write(papers(0, 10));
    writer.save();
    const reader = openReader();
    expect(nearestId(reader, 3)).toBe('p3');
    writer.write(papers(10, 20));
    expect(reader.refresh()).toBe(false); // written but not yet published
    expect(nearestId(reader, 15)).not.toBe('p15');
    writer.save();
    expect(reader.refresh()).toBe(true);
    expect(nearestId(reader, 15)).toBe('p15');
    // A reader has no write methods, for the compiler and at run time.
    // @ts-expect-error: write is a PaperWriter method
    expect(() => reader.write(papers(30, 31))).toThrow(TypeError);
    expect('save' in reader).toBe(false);
    reader.close();
    writer.close();
  });

  it('allows one writer at a time', () => {
    // An OS-level lock (test/store/write-lock.test.ts): a pid file, live pid or not, does not count.
    writeFileSync(path.join(dir.path, 'write.lock'), String(process.ppid));
    const store = open();
    expect(() => open()).toThrowError(/Another process is writing to .*; wait for it to finish/);
    store.close();
    open().close(); // released on close
  });
});

describe('storage failures', () => {
  it('names the data dir when it cannot be used', () => {
    const file = path.join(dir.path, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const dataDir of [file, path.join(file, 'index')]) {
      const attempt = () => PaperStore.open({ dataDir, hnsw: HNSW });
      expect(attempt).toThrowError(AppError);
      expect(attempt).toThrowError(new RegExp(`Cannot use data dir ${dataDir.replaceAll('/', '\\/')}`));
    }
  });

  // A real full disk: a small tmpfs (root can mount one; CI runs as root).
  it.runIf(canMountTmpfs())('a full disk while publishing is a clear error and the previous generation stays usable', () => {
    const mount = path.join(dir.path, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    try {
      const dataDir = path.join(mount, 'index');
      const store = PaperStore.open({ dataDir, hnsw: HNSW });
      store.bind(spec);
      store.write(papers(0, 10));
      store.save();
      store.write(papers(10, 200));
      // Fill the disk, leaving too little room for the next index file.
      const free = statfsSync(mount);
      writeFileSync(path.join(mount, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 16 * 1024)));
      expect(() => store.save()).toThrowError(
        /Could not write the index file .*papers\.2\.hnsw: not enough free space.*published index \(generation 1\) is unchanged/s,
      );
      // SQLite's own full-disk error (raw: "database or disk is full", no path) reaches the user as
      // one line naming the database file and the free space left.
      let full: unknown;
      try {
        store.write(papers(200, 5000));
      } catch (error) {
        full = error;
      }
      expect((full as { code?: string } | undefined)?.code).toMatch(/^SQLITE_FULL/);
      const printed: string[] = [];
      expect(reportError(full, (text) => printed.push(text))).toBe(1);
      const message = printed.join('');
      expect(message.trimEnd().split('\n')).toHaveLength(1);
      expect(message).toContain(`Storage failed on ${path.join(dataDir, 'papers.db')}: database or disk is full (SQLITE_FULL)`);
      expect(message).toMatch(new RegExp(`; \\d+(\\.\\d)? (B|KiB) free on the disk of ${dataDir.replaceAll('/', '\\/')}\\. Free some space`));
      expect(storageFailure(full)?.code).toBe('STORAGE_FAILED');
      store.close();
      // A retry on the still-full disk rebuilds from SQLite and fails to publish again: the message
      // names the generation in use (1), not the 0 of the index it built in memory.
      expect(() => PaperStore.open({ dataDir, hnsw: HNSW })).toThrowError(/published index \(generation 1\) is unchanged and still used/);
      const reader = PaperStore.open({ dataDir, hnsw: HNSW, role: 'reader' });
      expect(reader.generation).toBe(1);
      expect(nearestId(reader, 4)).toBe('p4');
      expect(reader.count()).toBe(200); // the committed papers are kept
      reader.close();
      rmSync(path.join(mount, 'filler'));
      const writer = PaperStore.open({ dataDir, hnsw: HNSW }); // space again: the next writer indexes them
      expect(nearestId(writer, 150)).toBe('p150');
      writer.close();
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});

function canMountTmpfs(): boolean {
  return process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
}
