// The server keeps answering while an ingest runs in another process, and serves the new
// index generation without a restart once the ingest publishes it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { runCli, startServer } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

const dir = tempDir();
afterAll(() => dir.remove());

describe('live reload', () => {
  it('answers every request during an ingest and then finds the new papers', async () => {
    const env = {
      PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
      PAPERSEEK_MODEL_DIR: inject('modelsDir'),
      PAPERSEEK_MODEL: 'lexical',
      PAPERSEEK_RELOAD_MS: '100',
    };
    const { child, base } = await startServer(env);
    try {
      const file = path.join(dir.path, 'new.jsonl');
      const papers = Array.from({ length: 300 }, (_, i) => ({
        id: `zymurgy-${i}`,
        title: `Zymurgy study ${i}`,
        abstract: `Spontaneous fermentation of lambic beer by wild yeasts, batch ${i}, with xylophone acoustics of the barrels.`,
      }));
      writeFileSync(file, papers.map((p) => JSON.stringify(p)).join('\n'));
      const ingest = runCli(['ingest', '--chunk-size', '20', file], env);
      let done = false;
      void ingest.then(() => (done = true));
      const statuses: number[] = [];
      let sawNew = false;
      // Query continuously while the ingest runs, and a little after.
      for (let extra = 0; !done || extra < 30; extra += done ? 1 : 0) {
        const response = await fetch(`${base}/search?q=zymurgy%20lambic%20fermentation&mode=semantic&k=5`);
        statuses.push(response.status);
        const body = (await response.json()) as any;
        sawNew ||= body.results?.[0]?.id?.startsWith('zymurgy-') ?? false;
        if (done && sawNew) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await ingest).code).toBe(0);
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(sawNew).toBe(true);
      const health = (await (await fetch(`${base}/health`)).json()) as any;
      expect(health.papers).toBe(368);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
