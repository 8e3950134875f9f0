// The `paperseek` subcommands on an index of the sample built with the lexical test model:
// tables, --json, filters and exit codes. A few runs go through real child processes (the
// bin, `tsx src/cli/main.ts`); the rest run the same program in-process, which is much faster
// than starting tsx for each. Help and usage errors are in program.test.ts.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import { readSource } from '../../src/sources/index.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { runCli } from '../support/cli.ts';
import { runCommand } from '../support/command.ts';
import { openTestStore, paperRecord, SAMPLE_FILE, tempDir, testEmbedder, SEARCH_RESULT_FIELDS } from '../support/fixtures.ts';

const dir = tempDir();
const env = () => ({ PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'), PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });

/** Runs the CLI program in this process over string buffers and env(); `overrides` change settings for one run. */
const cli = (...args: string[]) => cliWith({}, ...args);
const cliWith = (overrides: Record<string, string>, ...args: string[]) => runCommand(args, { ...env(), ...overrides });

const json = async (...args: string[]) => {
  const run = await cli(...args, '--json');
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as any;
};

const FIRST = 'factorized-visual-tokenization-and-generation';

beforeAll(async () => {
  const run = await runCli(['ingest', '--captured-year', '2025', SAMPLE_FILE], env());
  expect(run.code, run.stderr).toBe(0);
});
afterAll(() => dir.remove());

describe('paperseek bin', () => {
  it('runs through the package.json bin entry too', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('src/cli/bin.js'), '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('paperseek search', () => {
  it('prints a readable table: rank, scores, date, code, title with the id under it', async () => {
    const run = await runCli(['search', 'disentanglement diffusion', '-k', '3'], env());
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^1–3 of \d+ results for "disentanglement diffusion" · \d+ ms · hybrid$/);
    expect(lines[2]).toMatch(/^#\s+score\s+sem\s+kw\s+published\s+up\s+code\s+title \/ id$/);
    expect(lines).toHaveLength(3 + 2 * 3);
    expect(lines[3]).toMatch(/^1\s+0\.\d{4}\s/);
    expect(lines[4]!.trim()).toMatch(/^[a-z0-9-]+$/); // the id, whole, ready to copy into `similar`
  });

  it('--json prints the /search body of the HTTP API', async () => {
    const body = await json('search', 'disentanglement diffusion', '-k', '5');
    expect(body).toMatchObject({ query: 'disentanglement diffusion', mode: 'hybrid', degraded: false, k: 5, offset: 0, total: 68 });
    expect(body.results).toHaveLength(5);
    expect(Object.keys(body.results[0]).sort()).toEqual([...SEARCH_RESULT_FIELDS].sort());
    const next = await json('search', 'disentanglement diffusion', '-k', '5', '--offset', '5');
    expect(next.results.map((r: any) => r.id)).not.toContain(body.results[0].id);
  });

  it('applies the mode and the filters', async () => {
    const withCode = await json('search', 'learning', '--mode', 'keyword', '--has-code', '-k', '100');
    expect(withCode.mode).toBe('keyword');
    expect(withCode.results.length).toBeGreaterThan(0);
    for (const result of withCode.results) {
      expect(result.github_url).not.toBeNull();
      expect(result.scores.semantic).toBeNull();
    }
    const recent = await json('search', 'learning', '--mode', 'semantic', '--from', '2025-01-01', '-k', '100');
    expect(recent.results.length).toBeGreaterThan(0);
    for (const result of recent.results) expect(result.published >= '2025-01-01').toBe(true);
  });
});

describe('paperseek similar', () => {
  it('lists the nearest papers, never the paper itself', async () => {
    const body = await json('similar', FIRST, '-k', '5');
    expect(body.id).toBe(FIRST);
    expect(body.results).toHaveLength(5);
    expect(body.results.map((r: any) => r.id)).not.toContain(FIRST);
    const table = await cli('similar', FIRST, '-k', '2');
    expect(table.stdout).toContain('papers similar to "Factorized Visual Tokenization and Generation"');
  });

  it('exits 1 with the reason for an unknown paper', async () => {
    const run = await runCli(['similar', 'no-such-paper'], env());
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error: No paper with id "no-such-paper".');
  });
});

describe('operational errors', () => {
  // Regression (issue 14): "Cannot read properties of undefined (reading 'tokenizer_class')".
  it('a misspelt model name exits 1 with one line naming the missing folder and the models there', async () => {
    const run = await cliWith({ PAPERSEEK_MODEL: 'lexcial' }, 'search', 'diffusion', '--mode', 'semantic');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Embedding model "lexcial": no model folder \S*lexcial; found: [^\n]*\blexical\b[^\n]*\n$/);
  });
});

describe('paperseek stats', () => {
  it('shows papers, vectors, model and files', async () => {
    const stats = await json('stats');
    expect(stats).toMatchObject({ papers: 68, embedded: 68, pending_vectors: 0, model: { model: 'lexical' } });
    expect(stats.files['papers.db']).toBeGreaterThan(0);
    // Regression: stats looked for a fixed papers.hnsw after indexes became one file per generation.
    const index = Object.entries(stats.files as Record<string, number | null>).find(([name]) => /^papers\.\d+\.hnsw$/.test(name));
    expect(index?.[1]).toBeGreaterThan(0);
    const text = await cli('stats');
    expect(text.stdout).toMatch(/^papers\s+68$/m);
  });

  // Regression (issue 14): an index ingested without a model said "model none yet (empty index)" next to its papers.
  it('says the vectors are pending, not that the index is empty, for papers ingested without a model', async () => {
    const lexicalOnly = path.join(dir.path, 'lexical-only');
    const store = openTestStore(lexicalOnly);
    try {
      const { records } = await readSource(SAMPLE_FILE, { capturedYear: 2025 });
      store.write(records.map((record) => ({ record, hashes: { content: record.id, record: record.id }, vector: null })));
    } finally {
      store.close();
    }
    const run = await cliWith({ PAPERSEEK_DATA_DIR: lexicalOnly }, 'stats');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^papers\s+68$/m);
    expect(run.stdout).toMatch(/^model\s+no model yet \(68 papers, vectors pending: ingest again with a model to embed them\)$/m);
    expect(run.stdout).not.toContain('empty index');
  });

  it('exits 1 when there is no index, instead of creating an empty one', async () => {
    const run = await cliWith({ PAPERSEEK_DATA_DIR: path.join(dir.path, 'nothing-here') }, 'stats');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No index in');
    expect(existsSync(path.join(dir.path, 'nothing-here'))).toBe(false);
  });
});

// Last, because it adds papers the counts above do not expect.
describe('categories and ids containing /', () => {
  const paper = (id: string, title: string, categories: string[]): PaperRecord =>
    paperRecord(id, title, `${title}: an abstract about diffusion.`, { categories });

  beforeAll(async () => {
    const embedder = await testEmbedder('lexical');
    const store = openTestStore(env().PAPERSEEK_DATA_DIR);
    try {
      await ingestRecords(
        [
          paper('hep-ph/0307015', 'Quark diffusion on the lattice', ['hep-ph', 'hep-lat']),
          paper('2411.90001', 'Tabular diffusion', ['cs.LG', 'stat.ML', 'cs.AI']),
        ],
        store,
        embedder,
      );
    } finally {
      store.close();
      await embedder.dispose();
    }
  });

  it('search --category filters, and the table shows the categories', async () => {
    const body = await json('search', 'diffusion', '--category', 'hep-*', '-k', '100');
    expect(body.results.map((r: any) => r.id)).toEqual(['hep-ph/0307015']);
    expect(body.results[0].categories).toEqual(['hep-ph', 'hep-lat']);
    const table = await cli('search', 'diffusion', '--mode', 'keyword', '--category', 'cs.*');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/\bcategories\b/);
    expect(table.stdout).toContain('cs.LG stat.ML …');
  });

  it('similar takes an id with a slash', async () => {
    const body = await json('similar', 'hep-ph/0307015', '-k', '3');
    expect(body.id).toBe('hep-ph/0307015');
    expect(body.results).toHaveLength(3);
    const filtered = await json('similar', 'hep-ph/0307015', '--category', 'cs.LG');
    expect(filtered.results.map((r: any) => r.id)).toEqual(['2411.90001']);
  });
});
