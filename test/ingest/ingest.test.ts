// Ingest: idempotence, re-embedding only what changed, and progress reporting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestRecords, type IngestProgress } from '../../src/ingest/ingest.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { readSource } from '../../src/sources/index.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { CountingEmbedder } from '../support/counting-embedder.ts';
import { openTestStore, SAMPLE_FILE, tempDir, testEmbedder } from '../support/fixtures.ts';

let embedder: CountingEmbedder;
let sample: PaperRecord[];

beforeAll(async () => {
  embedder = new CountingEmbedder(await testEmbedder('lexical'));
  sample = (await readSource(SAMPLE_FILE, { capturedYear: 2025 })).records;
});
afterAll(() => embedder.dispose());
beforeEach(() => {
  embedder.embedded = 0;
});

describe('ingestRecords', () => {
  it('adds every paper once, and a second run adds and embeds nothing', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    expect(await ingestRecords(sample, store, embedder)).toEqual({ added: 68, updated: 0, unchanged: 0, embedded: 68, pending: 0 });
    expect(embedder.embedded).toBe(68);
    embedder.embedded = 0;
    expect(await ingestRecords(sample, store, embedder)).toEqual({ added: 0, updated: 0, unchanged: 68, embedded: 0, pending: 0 });
    expect(embedder.embedded).toBe(0);
    expect(store.count()).toBe(68);
    store.close();
    dir.remove();
  });

  it('re-embeds a changed abstract and replaces the old vector', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    await ingestRecords(sample, store, embedder);
    const target = sample[10]!;
    const changed = { ...target, abstract: 'Zymurgy and xylophone acoustics of fermentation vessels, revisited.' };
    embedder.embedded = 0;
    const counts = await ingestRecords(
      sample.map((r) => (r.id === target.id ? changed : r)),
      store,
      embedder,
    );
    expect(counts).toEqual({ added: 0, updated: 1, unchanged: 67, embedded: 1, pending: 0 });
    expect(embedder.embedded).toBe(1);
    expect(store.get(target.id)?.abstract).toBe(changed.abstract);
    const search = new SearchService(store, { embedder });
    const { hits } = await search.search({ query: 'zymurgy xylophone fermentation', mode: 'semantic', k: 68, offset: 0 });
    expect(hits).toHaveLength(68); // replaced in place: no stale duplicate of the old vector
    expect(hits[0]!.paper.id).toBe(target.id);
    store.close();
    dir.remove();
  });

  it('updates metadata-only changes in place without embedding', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    await ingestRecords(sample, store, embedder);
    const target = sample[0]!;
    embedder.embedded = 0;
    const counts = await ingestRecords([{ ...target, upvotes: 999 }], store, embedder);
    expect(counts).toEqual({ added: 0, updated: 1, unchanged: 0, embedded: 0, pending: 0 });
    expect(embedder.embedded).toBe(0);
    expect(store.get(target.id)?.upvotes).toBe(999);
    store.close();
    dir.remove();
  });

  it('reports progress up to the number of records read and papers embedded', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    const seen: IngestProgress[] = [];
    await ingestRecords(sample, store, embedder, { chunkSize: 20, onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ records: 68, embedded: 68 });
    for (const key of ['records', 'embedded'] as const) {
      const values = seen.map((p) => p[key]);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    // One report per chunk of 20 at least: progress is visible during the run, not only at its end.
    expect(new Set(seen.map((p) => p.records)).size).toBeGreaterThanOrEqual(4);
    store.close();
    dir.remove();
  });

  it('without a model stores papers for keyword search; a later run embeds exactly the pending ones', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    expect(await ingestRecords(sample.slice(0, 10), store, undefined)).toEqual({ added: 10, updated: 0, unchanged: 0, embedded: 0, pending: 10 });
    expect(store.keyword.matching('disentanglement')).toBeGreaterThan(0);
    embedder.embedded = 0;
    const counts = await ingestRecords(sample.slice(0, 12), store, embedder);
    expect(counts).toEqual({ added: 2, updated: 0, unchanged: 10, embedded: 12, pending: 0 });
    expect(embedder.embedded).toBe(12);
    embedder.embedded = 0;
    expect((await ingestRecords(sample.slice(0, 12), store, embedder)).embedded).toBe(0);
    const search = new SearchService(store, { embedder });
    expect((await search.search({ query: sample[3]!.title, mode: 'semantic', k: 12, offset: 0 })).hits).toHaveLength(12);
    store.close();
    dir.remove();
  });
});
