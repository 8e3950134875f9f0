// The commands a user runs on a fresh clone: `npm start` on an empty data dir ingests the
// sample and serves it; `npm run ingest` reports bad records and a summary.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { runCli, startServer } from '../support/cli.ts';
import { SAMPLE_FILE, tempDir } from '../support/fixtures.ts';
import { sharedFile } from '../support/shared.ts';

const dir = tempDir();
const env = () => ({ PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'), PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });
afterAll(() => dir.remove());

describe('paperseek serve', () => {
  it('ingests the bundled sample into an empty index with progress, then serves it', async () => {
    const { child, base, log, ready } = await startServer(env());
    try {
      // The ready event (src/log/ready.ts): one JSON line on stdout, once the server answers.
      expect(ready).toMatchObject({ event: 'ready', url: base, host: null, papers: 68 });
      expect(ready.pids).toHaveLength(ready.workers); // one per core unless PAPERSEEK_WORKERS says otherwise
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(log().match(/"event":"ready"/g)).toHaveLength(1);
      expect(log()).toMatch(/ingest: 100\.0% of [\d.]+ MB \| 68 records \| [\d,]+\/s \| 68 embedded \| ETA 0s/);
      expect(log()).toContain('added 68');
      const health = (await (await fetch(`${base}/health`)).json()) as any;
      expect(health).toMatchObject({ status: 'ok', papers: 68, model: { id: 'lexical' } });
      // serve runs SQLite's quick_check on a worker thread at start; /health reports its verdict.
      let storage = health.storage;
      for (let i = 0; i < 50 && storage === 'unchecked'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        storage = ((await (await fetch(`${base}/health`)).json()) as any).storage;
      }
      expect(storage).toBe('ok');
      const search = (await (await fetch(`${base}/search?q=disentanglement%20in%20diffusion&k=5`)).json()) as any;
      expect(search.results).toHaveLength(5);
      const first = search.results[0].id;
      expect((await fetch(`${base}/papers/${first}`)).status).toBe(200);
      const similar = (await (await fetch(`${base}/papers/${first}/similar?k=5`)).json()) as any;
      expect(similar.results.map((r: any) => r.id)).not.toContain(first);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('fails fast with a clear message when the index was built with another model', async () => {
    const run = await runCli(['serve'], { ...env(), PAPERSEEK_MODEL: 'tiny', PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/model="lexical".*model="tiny"/s);
  });
});

describe('paperseek ingest', () => {
  it('adds nothing when the same input is ingested again', async () => {
    const run = await runCli(['ingest', '--captured-year', '2025', SAMPLE_FILE], env());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('read 68, added 0, updated 0, unchanged 68, skipped 0');
  });

  it('reports bad records with file, line, field and reason, and ingests the rest', async () => {
    const file = path.join(dir.path, 'mine.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'x1', title: 'Zymurgy of lambic beer', abstract: 'Spontaneous fermentation by wild yeasts.' }),
        JSON.stringify({ id: 'x2', abstract: 'No title here.' }),
        JSON.stringify({ title: 'Xylophone acoustics', abstract: 'Bars and resonators.', authors: ['A. B.', 'C. D.'] }),
      ].join('\n'),
    );
    const run = await runCli(['ingest', file], env());
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/skipped 1: title: is required \(1; e\.g\. \S*mine\.jsonl:2\)/);
    expect(run.stderr).toContain('read 3, added 2, updated 0, unchanged 0, skipped 1');
  });

  it('without a model, warns with the reason and stores the papers with vectors pending', async () => {
    const file = path.join(dir.path, 'offline.jsonl');
    writeFileSync(file, JSON.stringify({ id: 'offline-1', title: 'Cryogenic ferroelectrics', abstract: 'Polarisation at low temperature.' }));
    const run = await runCli(['ingest', file], { ...env(), PAPERSEEK_MODEL: 'missing-model' });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('"missing-model"');
    expect(run.stderr).toContain(path.join(inject('modelsDir'), 'missing-model'));
    expect(run.stderr).toContain('added 1, updated 0, unchanged 0, skipped 0 (embedded 0, vectors pending 1)');
    const again = await runCli(['ingest', file], env());
    expect(again.stderr).toContain('unchanged 1, skipped 0 (embedded 1, vectors pending 0)');
  });
});

describe('paperseek eval', () => {
  const queries = sharedFile('eval/queries.public.jsonl');

  it('prints nDCG@10, recall@10 and MRR@10 in [0, 1] for every mode', async () => {
    const run = await runCli(['eval', '--queries', queries, '--mode', 'all', '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.queries).toBe(10);
    for (const mode of ['hybrid', 'semantic', 'keyword']) {
      for (const metric of ['ndcg@10', 'recall@10', 'mrr@10']) {
        expect(report[mode][metric], `${mode} ${metric}`).toBeGreaterThanOrEqual(0);
        expect(report[mode][metric], `${mode} ${metric}`).toBeLessThanOrEqual(1);
      }
      expect(Object.keys(report[mode].by_kind).sort()).toEqual(['acronym', 'keyword', 'natural', 'paraphrase', 'similar']);
    }
    // Fusing a weaker semantic side must not cost the keyword ranking more than 0.02.
    expect(report.hybrid['ndcg@10']).toBeGreaterThanOrEqual(report.keyword['ndcg@10'] - 0.02);
  });

  it('keeps hybrid within 0.02 of keyword even when the semantic side is a random-weight model', async () => {
    const tiny = { ...env(), PAPERSEEK_MODEL: 'tiny', PAPERSEEK_DATA_DIR: path.join(dir.path, 'index-tiny') };
    expect((await runCli(['ingest', '--captured-year', '2025', SAMPLE_FILE], tiny)).code).toBe(0);
    const report = JSON.parse((await runCli(['eval', '--queries', queries, '--json'], tiny)).stdout);
    expect(report.semantic['ndcg@10']).toBeLessThan(report.keyword['ndcg@10'] - 0.2); // the side really is weak
    expect(report.hybrid['ndcg@10']).toBeGreaterThanOrEqual(report.keyword['ndcg@10'] - 0.02);
  });

  it('prints a readable table by default and rejects an unknown mode', async () => {
    const run = await runCli(['eval', '--queries', queries, '--mode', 'keyword'], env());
    expect(run.stdout).toMatch(/keyword\s+all\s+0\.\d{3}/);
    const bad = await runCli(['eval', '--queries', queries, '--mode', 'fuzzy'], env());
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('fuzzy');
  });
});
