// `paperseek check` (SQLite quick_check + FTS5 integrity check, exit 1 when corrupt, with how to
// recover) and `paperseek backup <dir>` (online backup consistent while a reader or writer is open).
import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { backupStore } from '../../src/store/backup.ts';
import { checkStorage } from '../../src/store/health.ts';
import { runCli } from '../support/cli.ts';
import { paperRecord, tempDir } from '../support/fixtures.ts';
import { nearestId, paperWrites, publishPapers, sineVectors, storeOpener, testSpec } from '../support/store.ts';

const spec = testSpec(8);
const record = (id: string) => paperRecord(id, `Zymurgy title ${id}`, `Fermentation abstract ${id} with wild yeasts`);
const vector = sineVectors(8);
const papers = (from: number, to: number) => paperWrites(from, to, vector, record);

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
const env = () => ({ PAPERSEEK_DATA_DIR: dataDir });

const open = storeOpener(() => dataDir);

/** A published index of `count` papers (generation 1). */
function build(count = 30): void {
  publishPapers(open.writer(), spec, papers(0, count)).close();
}

beforeEach(() => {
  dir = tempDir();
  dataDir = path.join(dir.path, 'index');
});
afterEach(() => dir.remove());

describe('paperseek check', () => {
  it('passes a sound index, with what it holds (exit 0)', async () => {
    build();
    const report = checkStorage(dataDir);
    expect(report).toMatchObject({ status: 'ok', problems: [], fulltext: 'ok', counts: { papers: 30, embedded: 30, pendingVectors: 0 } });
    expect(report.index).toMatchObject({ generation: 1, file: path.join(dataDir, 'papers.1.hnsw') });
    expect(report.index!.bytes).toBeGreaterThan(0);
    const run = await runCli(['check'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/papers\.db\s+ok \(quick_check\)/);
    expect(run.stdout).toMatch(/keyword index\s+ok/);
    expect(run.stdout).toContain('30 (30 embedded, 0 waiting for the model)');
    expect(run.stdout).toMatch(/index file\s+papers\.1\.hnsw \(/);
  });

  it('finds a keyword index that no longer matches the papers', () => {
    build();
    const db = new Database(path.join(dataDir, 'papers.db'));
    const row = db.prepare("SELECT label, title, abstract FROM papers WHERE id = 'p3'").get() as { label: number; title: string; abstract: string };
    // Drop one paper's FTS entry behind the triggers' back.
    db.prepare("INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', ?, ?, ?)").run(row.label, row.title, row.abstract);
    db.close();
    const report = checkStorage(dataDir);
    expect(report.status).toBe('corrupt');
    expect(report.fulltext).toBe('corrupt');
    expect(report.problems.join('\n')).toMatch(/keyword index \(FTS5\) does not match the papers table/);
  });

  it('finds damaged pages, exits 1 and says how to recover', async () => {
    build(300);
    const file = path.join(dataDir, 'papers.db');
    // Overwrite everything after the first page (the schema) with garbage, as a bad disk might.
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(size - 4096, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, 4096);
    closeSync(fd);
    expect(checkStorage(dataDir).status).toBe('corrupt');
    const run = await runCli(['check'], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/papers\.db\s+CORRUPT/);
    expect(run.stderr).toContain(`error: the index in ${dataDir} is corrupt: SQLite:`);
    expect(run.stderr).toContain('To recover: ingest your sources again into a new data dir');
    expect(run.stderr).toContain('restore a backup made by `paperseek backup <dir>`');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('is a one-line error when there is no index', async () => {
    const run = await runCli(['check'], env());
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`error: No index in ${dataDir}: nothing to check (set PAPERSEEK_DATA_DIR to the data dir to check).`);
  });
});

describe('paperseek backup', () => {
  it('copies papers.db and the index file of the same generation; the copy opens as a sound index', async () => {
    build();
    const target = path.join(dir.path, 'backup');
    const reader = open.reader(); // a server is reading meanwhile
    const result = await backupStore(dataDir, target);
    reader.close();
    expect(result).toMatchObject({ papers: 30, generation: 1 });
    expect(result.files.map((file) => file.name)).toEqual(['papers.db', 'papers.1.hnsw']);
    expect(readdirSync(target).sort()).toEqual(['papers.1.hnsw', 'papers.db']); // no temp or WAL files left
    expect(checkStorage(target).status).toBe('ok');
    const restored = storeOpener(() => target).reader();
    expect(restored.generation).toBe(1);
    expect(restored.count()).toBe(30);
    expect(nearestId(restored, vector(7))).toBe('p7');
    restored.close();
    // Never over an existing index.
    await expect(backupStore(dataDir, target)).rejects.toThrowError(/already holds an index \(papers\.(db|1\.hnsw)\)/);
    await expect(backupStore(path.join(dir.path, 'none'), path.join(dir.path, 'b2'))).rejects.toBeInstanceOf(AppError);
  });

  it('is consistent while a writer holds the lock: committed papers come along and a writer on the copy indexes them', async () => {
    build();
    const writer = open.writer();
    writer.bind(spec);
    writer.write(papers(30, 40)); // committed, not yet published (an ingest mid-run)
    const target = path.join(dir.path, 'backup');
    const result = await backupStore(dataDir, target);
    writer.close();
    expect(result).toMatchObject({ papers: 40, generation: 1 });
    const lines: string[] = [];
    const restored = storeOpener(
      () => target,
      (line) => lines.push(line),
    ).writer();
    expect(lines.join('\n')).toMatch(/rebuilding the index from 40 stored vectors/);
    expect(nearestId(restored, vector(35))).toBe('p35');
    restored.close();
  });

  it('runs from the CLI', async () => {
    build();
    const target = path.join(dir.path, 'cli-backup');
    const run = await runCli(['backup', target], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`backed up 30 papers from ${dataDir.replaceAll('/', '\\/')} to ${target.replaceAll('/', '\\/')}: papers\\.db \\(.+\\), papers\\.1\\.hnsw \\(`),
    );
    expect(readdirSync(target).sort()).toEqual(['papers.1.hnsw', 'papers.db']);
  });
});
