// `ingest --delete`, `ingest --delete-missing` and `compact`: the index ends up matching the
// source exactly, the keyword index forgets deleted papers, and nothing is deleted on a bad read.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { PaperStore } from '../../src/store/paper-store.ts';
import { runCli } from '../support/cli.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';

const dir = tempDir();
const dataDir = path.join(dir.path, 'index');
const env = () => ({ PAPERSEEK_DATA_DIR: dataDir, PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });
const paper = (i: number) => ({ id: `p${i}`, title: `Zymurgy paper ${i}`, abstract: `Fermentation study number ${i} with wild yeasts.` });
const writeJsonl = (name: string, ids: number[], extra: string[] = []) => {
  const file = path.join(dir.path, name);
  writeFileSync(file, [...ids.map((i) => JSON.stringify(paper(i))), ...extra].join('\n'));
  return file;
};
const state = () => {
  const store = PaperStore.open({ dataDir, hnsw: HNSW, role: 'reader' });
  try {
    const probe = store.vectorOf(store.ids()[0]!)!.vector!;
    return { ids: store.ids(), indexed: store.nearest(probe, 100).length, keyword: store.keyword.matching('zymurgy') };
  } finally {
    store.close();
  }
};

beforeAll(async () => {
  expect((await runCli(['ingest', writeJsonl('all.jsonl', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])], env())).code).toBe(0);
});
afterAll(() => dir.remove());

describe('deleting papers', () => {
  it('--delete removes papers from SQLite, the keyword index and the vector index', async () => {
    const run = await runCli(['ingest', '--delete', 'p1', 'p2', 'nope'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('not found, nothing to delete: nope');
    expect(run.stderr).toContain('deleted 2 paper(s)');
    expect(state()).toEqual({ ids: ['p0', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'], indexed: 8, keyword: 8 });
  });

  it('--delete-missing refuses to delete anything when a record was skipped', async () => {
    const run = await runCli(['ingest', '--delete-missing', writeJsonl('partial.jsonl', [0, 3], ['{"id": "broken"}'])], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Not deleting missing papers: 1 record\(s\) were skipped/);
    expect(state().ids).toHaveLength(8);
  });

  it('--delete-missing makes the index match the source exactly, re-ingested papers included', async () => {
    const run = await runCli(['ingest', '--delete-missing', writeJsonl('subset.jsonl', [0, 3, 4, 11])], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('added 1, updated 0, unchanged 3');
    expect(state()).toEqual({ ids: ['p0', 'p3', 'p4', 'p11'], indexed: 4, keyword: 4 });
  });

  it('compact rebuilds the vector index from stored vectors without the deleted entries', async () => {
    const run = await runCli(['compact'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/compacted: \d+ index entries → 4 \(generation \d+\)/);
    expect(state()).toEqual({ ids: ['p0', 'p3', 'p4', 'p11'], indexed: 4, keyword: 4 });
  });

  it('refuses an ingest without files or ids', async () => {
    const run = await runCli(['ingest'], env());
    expect(run.code).toBe(2);
  });
});
