// /health's `storage`: 'unchecked' until the server's quick_check (on a worker thread) answers,
// then its verdict; a request that hits SQLite corruption marks it corrupt at once.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHealth } from '../../src/api/present.ts';
import { AppError } from '../../src/errors.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { quickCheckOffThread } from '../../src/store/health.ts';
import type { PaperReader } from '../../src/store/paper-store.ts';
import { openTestStore, paperRecord, tempDir } from '../support/fixtures.ts';

const noModel = { error: new AppError('MODEL_UNAVAILABLE', 'no model in this test') };
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('storage health', () => {
  it('is unchecked at first, then the verdict of quick_check run off the event loop', async () => {
    const store = openTestStore(dir.path);
    const search = new SearchService(store, noModel);
    expect(search.status().storage).toBe('unchecked');
    expect(await search.checkStorage(path.join(dir.path, 'papers.db'))).toBe('ok');
    expect(search.status().storage).toBe('ok');
    // A check that cannot run (no file) says nothing new.
    expect(await search.checkStorage(path.join(dir.path, 'missing.db'))).toBe('unchecked');
    expect(search.status().storage).toBe('ok');
    store.close();
  });

  it('finds a damaged file', async () => {
    const store = openTestStore(dir.path);
    store.close();
    const file = path.join(dir.path, 'papers.db');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(size - 4096, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, 4096);
    closeSync(fd);
    const result = await quickCheckOffThread(file);
    expect(result.status).toBe('corrupt');
    expect(result.problems.length).toBeGreaterThan(0);
  });

  it('turns corrupt (and degraded) when a request hits SQLite corruption', async () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const failing = {
      spec: undefined,
      count: () => 0,
      countPending: () => 0,
      get: () => {
        throw corrupt;
      },
      keyword: {
        terms: () => {
          throw corrupt;
        },
      },
    } as unknown as PaperReader;
    const search = new SearchService(failing, noModel);
    await expect(search.search({ query: 'x', mode: 'keyword', k: 10, offset: 0 } as never)).rejects.toBe(corrupt);
    expect(toHealth(search.status())).toMatchObject({ storage: 'corrupt', status: 'degraded' });

    const other = new SearchService(failing, noModel);
    expect(() => other.paper('p1')).toThrow(corrupt);
    expect(other.status().storage).toBe('corrupt');
    // Any other failure leaves it alone.
    const notFound = new SearchService({ ...failing, get: () => undefined } as unknown as PaperReader, noModel);
    expect(() => notFound.paper('p1')).toThrowError(/No paper/);
    expect(notFound.status().storage).toBe('unchecked');
  });
});

describe('a writer on a damaged database', () => {
  it('refuses to write or publish, naming the file and how to recover', () => {
    const store = openTestStore(dir.path);
    const records = Array.from({ length: 400 }, (_, i) => paperRecord(`p${i}`, `Paper ${i}`, `Abstract number ${i} `.repeat(40)));
    store.write(records.map((record) => ({ record, hashes: { content: record.id, record: record.id }, vector: null })));
    store.close();
    const file = path.join(dir.path, 'papers.db');
    // Overwrite a run of pages in the middle (table and index b-tree pages), not the header.
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(8 * 4096, 0x5a);
    writeSync(fd, garbage, 0, garbage.length, Math.floor(statSync(file).size / 2 / 4096) * 4096);
    closeSync(fd);
    let thrown: unknown;
    try {
      openTestStore(dir.path).close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('STORAGE_FAILED');
    expect((thrown as AppError).message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.+\\); paperseek will not write to it .*To recover: ingest your sources again into a new data dir`,
      ),
    );
  });
});
