// Every endpoint through real HTTP, on the sample ingested with the generated lexical model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { openTestStore, tempDir, SEARCH_RESULT_FIELDS } from '../support/fixtures.ts';
import { listen, startSampleServer, type SampleServer } from '../support/sample-server.ts';

interface Result {
  id: string;
  title: string;
  score: number;
  abstract: string;
  published: string | null;
  upvotes: number | null;
  authors_count: number | null;
  github_url: string | null;
  project_url: string | null;
}

let sample: SampleServer;
const get = (path: string, init?: RequestInit) => sample.get(path, init);

beforeAll(async () => {
  sample = await startSampleServer();
});
afterAll(() => sample?.close());

describe('GET /search', () => {
  it('returns the documented shape, best first, with k results', async () => {
    const { status, body } = await get('/search?q=disentanglement%20in%20diffusion&k=5');
    expect(status).toBe(200);
    expect(body.query).toBe('disentanglement in diffusion');
    expect(typeof body.took_ms).toBe('number');
    expect(body.results).toHaveLength(5);
    const scores = body.results.map((r: Result) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(Object.keys(body.results[0]).sort()).toEqual([...SEARCH_RESULT_FIELDS].sort());
    expect(body).toMatchObject({ mode: 'hybrid', degraded: false, degraded_reason: null, offset: 0, k: 5, total: 68 });
  });

  it('ranks papers containing "disentanglement" and "diffusion" above papers containing neither', async () => {
    const { body } = await get('/search?q=disentanglement%20diffusion&k=100');
    expect(body.results).toHaveLength(68);
    const text = (r: Result) => `${r.title} ${r.abstract}`.toLowerCase();
    const both = (r: Result) => text(r).includes('disentanglement') && text(r).includes('diffusion');
    const neither = (r: Result) => !text(r).includes('disentangle') && !text(r).includes('diffusion');
    const ranks = body.results.map((r: Result, rank: number) => ({ rank, both: both(r), neither: neither(r) }));
    const worstBoth = Math.max(...ranks.filter((r: any) => r.both).map((r: any) => r.rank));
    const bestNeither = Math.min(...ranks.filter((r: any) => r.neither).map((r: any) => r.rank));
    expect(ranks.filter((r: any) => r.both).length).toBeGreaterThanOrEqual(3);
    expect(worstBoth).toBeLessThan(bestNeither);
    expect(both(body.results[0])).toBe(true);
  });

  it('defaults k to 10 and caps at the number of papers', async () => {
    expect((await get('/search?q=diffusion')).body.results).toHaveLength(10);
    expect((await get('/search?q=diffusion&k=100')).body.results).toHaveLength(68);
  });

  it.each([
    ['k=0', 'k'],
    ['k=101', 'k'],
    ['k=abc', 'k'],
    ['k=2.5', 'k'],
    ['k=-1', 'k'],
  ])('rejects %s with 400 naming the field', async (param, field) => {
    const { status, body } = await get(`/search?q=diffusion&${param}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.details[0].field).toBe(field);
    expect(body.error.details[0].reason).toMatch(/\w/);
  });

  it('rejects a missing, blank or oversized q with 400', async () => {
    for (const path of ['/search', '/search?q=', '/search?q=%20%20%20', `/search?q=${'a'.repeat(1001)}`]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error.details[0].field).toBe('q');
    }
  });

  it('treats malformed percent-encoding and odd unicode as text, never a 500', async () => {
    for (const q of ['%E0%A4%A', '%', '%F0%9F%98%80', '%00', 'a%2Bb%26c', '%EF%BF%BF', 'NEAR(%22', "'%3B DROP TABLE papers;--"]) {
      const { status } = await get(`/search?q=${q}`);
      expect([200, 400], q).toContain(status);
    }
    expect((await get('/health')).body.papers).toBe(68);
  });

  it('allows browser UIs on other origins (CORS)', async () => {
    const { headers } = await get('/search?q=diffusion', { headers: { Origin: 'http://example.test' } });
    expect(headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${sample.base}/search`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
  });
});

describe('GET /papers/:id', () => {
  it('returns the whole paper', async () => {
    const { status, body } = await get('/papers/factorized-visual-tokenization-and-generation');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'factorized-visual-tokenization-and-generation',
      title: 'Factorized Visual Tokenization and Generation',
      authors_count: 7,
      published: '2024-11-25',
      upvotes: 2,
      project_url: 'https://showlab.github.io/FQGAN',
      github_url: null,
    });
    expect(body.abstract).toMatch(/^Visual tokenizers are fundamental/);
  });

  it('answers 404 with a JSON error for an unknown id', async () => {
    const { status, body } = await get('/papers/no-such-paper');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(body.error.message).toContain('no-such-paper');
  });
});

describe('GET /papers/:id/similar', () => {
  const id = 'disenbooth-identity-preserving-disentangled-tuning-for-subject-driven-text-to-im';

  it('returns the nearest papers and never the paper itself', async () => {
    const { status, body } = await get(`/papers/${id}/similar?k=5`);
    expect(status).toBe(200);
    expect(body.id).toBe(id);
    expect(body.results).toHaveLength(5);
    expect(body.results.map((r: Result) => r.id)).not.toContain(id);
    const scores = body.results.map((r: Result) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('with k above the corpus size returns every other paper exactly once', async () => {
    const { body } = await get(`/papers/${id}/similar?k=100`);
    const ids = body.results.map((r: Result) => r.id);
    expect(ids).toHaveLength(67);
    expect(new Set(ids).size).toBe(67);
    expect(ids).not.toContain(id);
  });

  it('answers 404 for an unknown id and 400 for a bad k', async () => {
    expect((await get('/papers/nope/similar')).status).toBe(404);
    const bad = await get(`/papers/${id}/similar?k=1000`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('k');
  });
});

describe('GET /health and unknown routes', () => {
  it('reports status, paper count, model id and dims', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', papers: 68, model: { id: 'lexical', dims: sample.embedder.dims, ready: true, error: null } });
  });

  it('answers unknown routes with a JSON 404, and unknown methods on known routes with a JSON 405', async () => {
    const { status, body } = await get('/nope');
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    const post = await get('/search?q=x', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});

describe('without a model', () => {
  it('answers semantic search with 503 and the reason; hybrid falls back to keyword and says so', async () => {
    const reason = new AppError('MODEL_UNAVAILABLE', 'Embedding model "x" could not be loaded from the local folder /m/x: missing');
    const degraded = await listen(new SearchService(sample.store, { error: reason }));
    const json = async (path: string) => {
      const response = await fetch(degraded.base + path);
      return { status: response.status, body: (await response.json()) as any };
    };
    try {
      const semantic = await json('/search?q=diffusion&mode=semantic');
      expect(semantic.status).toBe(503);
      expect(semantic.body.error).toMatchObject({ code: 'MODEL_UNAVAILABLE', message: reason.message });
      const hybrid = await json('/search?q=diffusion');
      expect(hybrid.status).toBe(200);
      // Regression (issue 14): the body said `degraded: true` without the reason.
      expect(hybrid.body).toMatchObject({ mode: 'hybrid', degraded: true });
      expect(hybrid.body.degraded_reason).toBe(`the embedding model is unavailable: ${reason.message}`);
      expect(hybrid.body.results.length).toBeGreaterThan(0);
      expect(hybrid.body.results.every((r: any) => r.scores.keyword !== null && r.scores.semantic === null)).toBe(true);
      expect((await json('/search?q=diffusion&mode=keyword')).body).toMatchObject({ degraded: false, degraded_reason: null });
      expect((await json('/papers/factorized-visual-tokenization-and-generation/similar?k=3')).status).toBe(200);
      expect((await json('/health')).body).toMatchObject({
        status: 'degraded',
        papers: 68,
        // Similar papers needs stored vectors, not the model: the sample has them.
        capabilities: { keyword: true, semantic: false, hybrid: false, similar: true },
        model: { ready: false, error: reason.message },
      });
    } finally {
      degraded.server.close();
    }
  });

  it('says in /health that similar papers cannot work when no paper has a vector', async () => {
    const dir = tempDir();
    const store = openTestStore(dir.path);
    const reason = new AppError('MODEL_UNAVAILABLE', 'no model');
    const empty = await listen(new SearchService(store, { error: reason }));
    try {
      store.write([
        {
          record: { ...sample.store.get('factorized-visual-tokenization-and-generation')!, id: 'lonely' },
          hashes: { content: 'c', record: 'r' },
          vector: null,
        },
      ]);
      const body = (await (await fetch(`${empty.base}/health`)).json()) as any;
      expect(body).toMatchObject({ papers: 1, pending_vectors: 1, capabilities: { keyword: true, semantic: false, hybrid: false, similar: false } });
    } finally {
      empty.server.close();
      store.close();
      dir.remove();
    }
  });
});
