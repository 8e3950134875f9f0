// Kill -9 during ingest, then the same ingest again: the result equals an uninterrupted run
// (same ids, no duplicates, nothing lost, same vectors, searchable), and committed work is not
// embedded twice. The same check as `npm run crash-check`, five times.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { compare, runIngest, snapshot, writeCorpus, type Snapshot } from '../../scripts/crash-check.ts';
import { tempDir } from '../support/fixtures.ts';

const KILLS = 5;
const dir = tempDir('paperseek-crash-');
const corpus = path.join(dir.path, 'corpus.jsonl');
const env = (name: string) => ({ PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical', PAPERSEEK_DATA_DIR: path.join(dir.path, name) });
let size = 0;
let reference: Snapshot;
let window = 0;

beforeAll(async () => {
  size = await writeCorpus(corpus, 4);
  const run = await runIngest(corpus, env('reference'));
  expect(run.code, run.stderr).toBe(0);
  window = run.embeddingMs;
  reference = snapshot(path.join(dir.path, 'reference'));
}, 120_000);
afterAll(() => dir.remove());

describe('kill -9 during ingest', () => {
  it('builds the reference index uninterrupted', () => {
    expect(reference.ids).toHaveLength(size);
    expect(reference.indexed).toHaveLength(size);
  });

  it(`ends identical to an uninterrupted run after ${KILLS} kills at random moments`, async () => {
    let interrupted = 0;
    for (let run = 0; run < KILLS; run++) {
      // Spread the kills over the embedding window, from its start to its end.
      const killAfter = Math.round(((run + Math.random()) / KILLS) * window);
      const name = `run-${run}`;
      const killed = await runIngest(corpus, env(name), killAfter);
      const committed = killed.signal === 'SIGKILL' ? snapshot(path.join(dir.path, name)).ids.length : size;
      if (committed < size) interrupted++;
      const rerun = await runIngest(corpus, env(name));
      expect(rerun.code, rerun.stderr).toBe(0);
      // Work committed before the kill is not embedded again.
      expect(rerun.stderr).toContain(`embedded ${size - committed},`);
      expect(compare(reference, snapshot(path.join(dir.path, name))), `kill after ${killAfter} ms`).toEqual({ lost: 0, duplicated: 0, mismatched: 0 });
    }
    expect(interrupted).toBeGreaterThan(0);
  }, 240_000);
});
