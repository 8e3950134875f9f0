import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { AppError } from '../src/errors.ts';

describe('loadConfig', () => {
  it('has sane defaults: gte-small, q8, mean pooling, port 3000, data/index', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, dataDir: 'data/index', sliceMs: 10, hnsw: { M: 16, efConstruction: 200, ef: 64 } });
    expect(config.embedding).toMatchObject({ model: 'Supabase/gte-small', dtype: 'q8', pooling: 'mean', normalize: true, queryPrefix: '' });
  });

  it('applies presets by short name, and explicit settings override them', () => {
    expect(loadConfig({ PAPERSEEK_MODEL: 'e5-small-v2' }).embedding).toMatchObject({
      model: 'Xenova/e5-small-v2',
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
    });
    expect(loadConfig({ PAPERSEEK_MODEL: 'bge-small-en-v1.5' }).embedding.pooling).toBe('cls');
    expect(loadConfig({ PAPERSEEK_MODEL: 'bge-small-en-v1.5', PAPERSEEK_POOLING: 'mean' }).embedding.pooling).toBe('mean');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', PAPERSEEK_MODEL_DIR: '' })).toMatchObject({ port: 3000, embedding: { modelDir: undefined } });
  });

  it('rejects bad values naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrowError(AppError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrowError(/PORT/);
    expect(() => loadConfig({ PAPERSEEK_DTYPE: 'fp64' })).toThrowError(/PAPERSEEK_DTYPE/);
    expect(() => loadConfig({ PAPERSEEK_SLICE_MS: '-1' })).toThrowError(/PAPERSEEK_SLICE_MS/);
    expect(loadConfig({ PAPERSEEK_SLICE_MS: '0' }).sliceMs).toBe(0);
  });
});

// Regression (issue 14): the README walkthrough's data/index-lexical/ was not git-ignored.
describe.skipIf(!existsSync('.git'))('data dirs', () => {
  it('every index folder the README names under data/ is git-ignored, and the sample is not', () => {
    const dirs = new Set([...readFileSync('README.md', 'utf8').matchAll(/\bdata\/(index[\w.-]*)/g)].map((match) => `data/${match[1]}`));
    expect(dirs).toContain('data/index-lexical');
    const ignored = (file: string) => spawnSync('git', ['check-ignore', '--no-index', '-q', file]).status === 0;
    for (const dir of [...dirs, loadConfig({}).dataDir]) expect(ignored(`${dir}/papers.db`), dir).toBe(true);
    expect(ignored('data/sample/000_15e46c23e16ff53f.txt')).toBe(false);
  });
});
