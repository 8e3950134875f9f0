// Papers from real sources over HTTP: the category filter in every mode (exact, prefix, case,
// nothing found, bad values), the fields results now carry (authors, categories, url, doi,
// updated), and ids containing `/` (old arXiv ids) in every route that takes an id, sent
// percent-encoded or with the raw slash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { paperRecord } from '../support/fixtures.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';

const paper = paperRecord;

const AUTHORS = Array.from({ length: 12 }, (_, i) => `Author ${i + 1}`);
const OLD_ID = 'hep-ph/0307015';
const PAPERS: PaperRecord[] = [
  paper(OLD_ID, 'Quark diffusion in lattice gauge theory', 'We compute the diffusion coefficient of heavy quarks in lattice QCD.', {
    authors: AUTHORS,
    authors_count: 12,
    published: '2003-07-01',
    updated: '2004-02-10',
    categories: ['hep-ph', 'hep-lat'],
    doi: '10.1103/PhysRevD.68.094001',
    url: 'https://arxiv.org/abs/hep-ph/0307015',
  }),
  paper('hep-th/9901001', 'Diffusion of strings in anti-de Sitter space', 'String diffusion near the boundary of AdS.', { categories: ['hep-th'] }),
  paper('2411.90001', 'Diffusion models for tabular learning', 'Tabular data synthesis with diffusion models.', {
    categories: ['cs.LG', 'stat.ML'],
    github_url: 'https://github.com/x/tabdiff',
  }),
  paper('2411.90002', 'Video diffusion with sparse attention', 'Sparse attention makes video diffusion models fast.', { categories: ['cs.CV'] }),
  paper('2411.90003', 'Diffusion language models', 'Text generation by discrete diffusion.', { categories: ['cs.CL', 'cs.LG'] }),
  // An id that ends in `/similar`: reachable percent-encoded only (see README).
  paper('notes/similar', 'A note on similarity search', 'Nearest neighbour search over embeddings of notes.'),
];

let sample: SampleServer;
const get = (path: string) => sample.get(path);
const ids = (body: any): string[] => body.results.map((r: any) => r.id).sort();

beforeAll(async () => {
  sample = await startSampleServer();
  await ingestRecords(PAPERS, sample.store, sample.embedder);
});
afterAll(() => sample?.close());

describe('category filter', () => {
  const cases: [string, string[]][] = [
    ['cs.LG', ['2411.90001', '2411.90003']],
    ['cs.lg', ['2411.90001', '2411.90003']],
    ['cs.*', ['2411.90001', '2411.90002', '2411.90003']],
    ['cs.', ['2411.90001', '2411.90002', '2411.90003']],
    ['hep-ph', [OLD_ID]],
    ['hep-*', ['hep-ph/0307015', 'hep-th/9901001']],
    ['stat.ML', ['2411.90001']],
  ];
  for (const mode of ['keyword', 'semantic', 'hybrid']) {
    it.each(cases)(`${mode}: category=%s returns exactly the papers in it`, async (category, expected) => {
      const { status, body } = await get(`/search?q=diffusion&mode=${mode}&k=20&category=${encodeURIComponent(category)}`);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(ids(body)).toEqual(expected);
      expect(body.total).toBe(expected.length);
    });

    it(`${mode}: a category with no papers returns nothing, and combines with other filters`, async () => {
      for (const category of ['math.*', 'cs', 'q-bio.NC']) {
        const { status, body } = await get(`/search?q=diffusion&mode=${mode}&category=${category}`);
        expect(status).toBe(200);
        expect(body.results).toEqual([]);
        expect(body.total).toBe(0);
      }
      const withCode = await get(`/search?q=diffusion&mode=${mode}&category=cs.LG&has_code=true`);
      expect(ids(withCode.body)).toEqual(['2411.90001']);
      const dated = await get(`/search?q=diffusion&mode=${mode}&category=hep-*&published_from=2003-01-01`);
      expect(ids(dated.body)).toEqual([OLD_ID]);
    });
  }

  it('applies to similar papers and recommendations', async () => {
    const similar = await get(`/papers/${OLD_ID}/similar?k=10&category=cs.*`);
    expect(similar.status).toBe(200);
    expect(ids(similar.body)).toEqual(['2411.90001', '2411.90002', '2411.90003']);
    expect(similar.body.total).toBe(3);
    const recommended = await sample.post('/recommend', { positive: [OLD_ID, '2411.90002'], category: 'cs.*', k: 10 });
    expect(recommended.status).toBe(200);
    expect(ids(recommended.body)).toEqual(['2411.90001', '2411.90003']);
    expect(recommended.body.total).toBe(2);
  });

  it.each([
    ['cs.LG!', /letters, digits/],
    ['', /letters, digits/],
    ['*', /letters, digits/],
    ['cs.*x', /letters, digits/],
    ['cs**', /letters, digits/],
    ['cs/LG', /letters, digits/],
    ["cs.LG' OR 1=1 --", /letters, digits/],
    ['a'.repeat(65), /1–64/],
  ])('rejects category=%s with 400 naming the field and the rule', async (category, reason) => {
    const { status, body } = await get(`/search?q=diffusion&category=${encodeURIComponent(category)}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.details).toEqual([{ field: 'category', reason: expect.stringMatching(reason) }]);
    expect(body.error.message).toContain('category');
  });

  it('rejects a bad category in /papers/:id/similar and /recommend too', async () => {
    const similar = await get(`/papers/${OLD_ID}/similar?category=bad!`);
    expect(similar.status).toBe(400);
    expect(similar.body.error.details[0].field).toBe('category');
    for (const category of [7, 'bad!', ['cs.LG']]) {
      const { status, body } = await sample.post('/recommend', { positive: [OLD_ID], category });
      expect(status, String(category)).toBe(400);
      expect(body.error.details[0].field).toBe('category');
    }
  });

  it('accepts the widest valid value (64 characters and a *)', async () => {
    const { status } = await get(`/search?q=diffusion&mode=keyword&category=${'a'.repeat(64)}*`);
    expect(status).toBe(200);
  });
});

describe('result fields', () => {
  it('search results carry the first 10 authors, their count, categories, url, doi and updated', async () => {
    const { body } = await get('/search?q=quark%20lattice&mode=keyword&k=1');
    expect(body.results[0]).toMatchObject({
      id: OLD_ID,
      authors: AUTHORS.slice(0, 10),
      authors_count: 12,
      categories: ['hep-ph', 'hep-lat'],
      url: 'https://arxiv.org/abs/hep-ph/0307015',
      doi: '10.1103/PhysRevD.68.094001',
      published: '2003-07-01',
      updated: '2004-02-10',
    });
  });

  it('papers from sources without them have the fields as null', async () => {
    const { body } = await get('/search?q=FQGAN&mode=keyword&k=1');
    expect(body.results[0]).toMatchObject({ authors: null, authors_count: 7, categories: null, url: null, doi: null, updated: null });
  });

  it('GET /papers/:id has every author and the new fields', async () => {
    const { body } = await get(`/papers/${encodeURIComponent(OLD_ID)}`);
    expect(body).toMatchObject({
      authors: AUTHORS,
      authors_count: 12,
      categories: ['hep-ph', 'hep-lat'],
      updated: '2004-02-10',
      doi: '10.1103/PhysRevD.68.094001',
    });
  });
});

describe('ids containing /', () => {
  it('GET /papers/:id answers the percent-encoded and the raw form alike', async () => {
    const encoded = await get('/papers/hep-ph%2F0307015');
    const raw = await get('/papers/hep-ph/0307015');
    expect(encoded.status).toBe(200);
    expect(encoded.body.id).toBe(OLD_ID);
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual(encoded.body);
  });

  it('GET /papers/:id/similar answers both forms, never the paper itself', async () => {
    const encoded = await get('/papers/hep-ph%2F0307015/similar?k=5');
    const raw = await get('/papers/hep-ph/0307015/similar?k=5');
    expect(encoded.status).toBe(200);
    expect(encoded.body.id).toBe(OLD_ID);
    expect(encoded.body.results).toHaveLength(5);
    expect(ids(encoded.body)).not.toContain(OLD_ID);
    expect(raw.status).toBe(200);
    expect(raw.body.results).toEqual(encoded.body.results);
  });

  it('a raw path ending in /similar is the similar route; an id ending in /similar is sent percent-encoded', async () => {
    const note = await get('/papers/notes%2Fsimilar');
    expect(note.status).toBe(200);
    expect(note.body.title).toBe('A note on similarity search');
    const ofNotes = await get('/papers/notes/similar'); // papers similar to "notes", which does not exist
    expect(ofNotes.status).toBe(404);
    expect(ofNotes.body.error.message).toContain('"notes"');
    for (const path of ['/papers/notes%2Fsimilar/similar?k=2', '/papers/notes/similar/similar?k=2']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(200);
      expect(body.id).toBe('notes/similar');
      expect(body.results).toHaveLength(2);
    }
  });

  it('an unknown id with a slash is a 404 naming the whole id', async () => {
    for (const path of ['/papers/hep-ph/9999999', '/papers/hep-ph%2F9999999', '/papers/hep-ph/9999999/similar']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(404);
      expect(body.error.message).toContain('"hep-ph/9999999"');
    }
  });

  it('slash ids work in /recommend and in results', async () => {
    const { status, body } = await sample.post('/recommend', { positive: [OLD_ID], negative: ['hep-th/9901001'], k: 100 });
    expect(status).toBe(200);
    expect(ids(body)).not.toContain(OLD_ID);
    expect(ids(body)).not.toContain('hep-th/9901001');
    const found = await get('/search?q=strings%20anti-de%20sitter&mode=keyword&k=1');
    expect(found.body.results[0].id).toBe('hep-th/9901001');
  });

  it('leaves other routes alone', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/papers/factorized-visual-tokenization-and-generation/similar?k=1')).status).toBe(200);
    expect((await get('/nope/a/b')).status).toBe(404);
  });
});
