// The commands a user runs on a fresh clone: `npm start` on an empty data dir ingests the
// sample and serves it; `npm run ingest` reports bad records and a summary.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { runCli, startServer } from '../support/cli.ts';
import { SAMPLE_FILE, tempDir } from '../support/fixtures.ts';

const dir = tempDir();
const env = () => ({ PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'), PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });
afterAll(() => dir.remove());

describe('paperseek serve', () => {
  it('ingests the bundled sample into an empty index with progress, then serves it', async () => {
    const { child, base, log } = await startServer(env());
    try {
      expect(log()).toMatch(/embedding \d+\/68 papers \([\d.]+ papers\/s, ETA \w+\)/);
      expect(log()).toContain('added 68');
      const health = (await (await fetch(`${base}/health`)).json()) as any;
      expect(health).toMatchObject({ status: 'ok', papers: 68, model: { id: 'lexical' } });
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
    expect(run.stderr).toMatch(/mine\.jsonl:2 title: /);
    expect(run.stderr).toContain('read 3, added 2, updated 0, unchanged 0, skipped 1');
  });

  it('exits non-zero with the reason when the model cannot be loaded', async () => {
    const run = await runCli(['ingest', SAMPLE_FILE], { ...env(), PAPERSEEK_MODEL: 'missing-model' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"missing-model"');
    expect(run.stderr).toContain(path.join(inject('modelsDir'), 'missing-model'));
  });
});
