// Hybrid, semantic and keyword search over HTTP: per-side scores and ranks, filters that still
// fill the page, stable pagination, escaped highlights, recommendations and the query cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { paperRecord } from '../support/fixtures.ts';

let sample: SampleServer;
const get = (path: string) => sample.get(path);
const ids = (body: any): string[] => body.results.map((r: any) => r.id);

beforeAll(async () => {
  sample = await startSampleServer();
});
afterAll(() => sample?.close());

describe('modes', () => {
  it('keyword mode finds an exact acronym and reports only the keyword side', async () => {
    const { status, body } = await get('/search?q=FQGAN&mode=keyword&k=5');
    expect(status).toBe(200);
    expect(body.mode).toBe('keyword');
    expect(body.results[0].id).toBe('factorized-visual-tokenization-and-generation');
    expect(body.total).toBe(body.results.length);
    expect(body.results[0].scores).toMatchObject({ semantic: null, fused: null });
    expect(body.results[0].scores.keyword).toBeGreaterThan(0);
    expect(body.results[0].ranks).toEqual({ semantic: null, keyword: 1 });
  });

  it('semantic mode reports only the semantic side', async () => {
    const { body } = await get('/search?q=disentanglement%20in%20diffusion&mode=semantic&k=3');
    expect(body.mode).toBe('semantic');
    expect(body.results[0].scores.keyword).toBeNull();
    expect(body.results[0].scores.semantic).toBe(body.results[0].score);
    expect(body.results.map((r: any) => r.ranks.semantic)).toEqual([1, 2, 3]);
  });

  it('hybrid mode fuses both sides, with each side’s score and rank, ordered by the fused score', async () => {
    const { body } = await get('/search?q=disentanglement%20in%20diffusion&k=10');
    expect(body.mode).toBe('hybrid');
    expect(body.fusion).toMatchObject({ rrf_k: 60, weights: { keyword: 1 } });
    const fused = body.results.map((r: any) => r.scores.fused);
    expect(fused).toEqual([...fused].sort((a: number, b: number) => b - a));
    expect(body.results.some((r: any) => r.ranks.semantic !== null && r.ranks.keyword !== null)).toBe(true);
    for (const r of body.results) {
      expect(r.score).toBe(r.scores.fused);
      // The fused score is exactly what RRF says it is.
      const side = (rank: number | null, weight: number) => (rank === null ? 0 : weight / (60 + rank));
      expect(r.scores.fused).toBeCloseTo(side(r.ranks.semantic, body.fusion.weights.semantic) + side(r.ranks.keyword, 1), 5);
    }
  });

  it('answers a long natural-language query, and one whose words match nothing, with results', async () => {
    const long = encodeURIComponent(
      'I am looking for recent work that explains how to separate the content of an image from its style when training ' +
        'generative models, ideally with code available and evaluated on standard benchmarks, thanks a lot in advance!',
    );
    expect((await get(`/search?q=${long}`)).body.results).toHaveLength(10);
    const nonsense = await get('/search?q=qqqzzzxxyy%20wwwvvvkk');
    expect(nonsense.body.results.length).toBeGreaterThan(0);
  });

  it('treats FTS5 syntax in user text as words, never an error', async () => {
    for (const q of ['"', '"unbalanced', '*', 'NEAR(a b', 'a - b', 'OR', 'AND OR NOT', 'title:x', '^x', '{a b}', '(((', "'; DROP TABLE papers;--"]) {
      for (const mode of ['keyword', 'hybrid']) {
        const { status } = await get(`/search?q=${encodeURIComponent(q)}&mode=${mode}`);
        expect(status, `${mode} ${q}`).toBe(200);
      }
    }
  });

  it('rejects an unknown mode', async () => {
    const { status, body } = await get('/search?q=x&mode=fuzzy');
    expect(status).toBe(400);
    expect(body.error.details[0].field).toBe('mode');
  });
});

describe('filters', () => {
  it.each(['hybrid', 'semantic', 'keyword'])('%s: has_code returns exactly k papers with a GitHub link', async (mode) => {
    const { body } = await get(`/search?q=learning%20representations&mode=${mode}&k=10&has_code=true`);
    expect(body.results).toHaveLength(10);
    expect(body.results.every((r: any) => r.github_url !== null)).toBe(true);
  });

  it('a filter passing 1.5% of papers still returns every passing paper', async () => {
    const { body } = await get('/search?q=diffusion&mode=semantic&k=10&min_upvotes=5');
    expect(body.results).toHaveLength(1);
    expect(body.total).toBe(1);
    expect(body.results[0].upvotes).toBeGreaterThanOrEqual(5);
  });

  it('a filter passing 9% of papers fills the page with all of them, in every mode that can rank them', async () => {
    for (const mode of ['hybrid', 'semantic']) {
      const { body } = await get(`/search?q=diffusion&mode=${mode}&k=10&min_upvotes=1`);
      expect(body.results, mode).toHaveLength(6);
      expect(body.results.every((r: any) => r.upvotes >= 1)).toBe(true);
    }
  });

  it('date ranges are inclusive and combine with other filters', async () => {
    const { body } = await get('/search?q=image&mode=semantic&k=100&published_from=2024-01-01&published_to=2024-12-31&has_code=false');
    expect(body.results.length).toBeGreaterThan(0);
    for (const r of body.results) {
      expect(r.published >= '2024-01-01' && r.published <= '2024-12-31').toBe(true);
      expect(r.github_url).toBeNull();
    }
  });

  it('rejects bad filter values naming the field', async () => {
    for (const [param, field] of [
      ['published_from=2024-13-01', 'published_from'],
      ['published_from=yesterday', 'published_from'],
      ['published_to=2024-02-30', 'published_to'],
      ['published_from=2025-01-01&published_to=2024-01-01', 'published_from'],
      ['min_upvotes=-1', 'min_upvotes'],
      ['has_code=maybe', 'has_code'],
      ['offset=-1', 'offset'],
      ['offset=5000', 'offset'],
    ]) {
      const { status, body } = await get(`/search?q=x&${param}`);
      expect(status, param).toBe(400);
      expect(body.error.details[0].field, param).toBe(field);
    }
  });

  it('similar accepts the same filters', async () => {
    const { body } = await get('/papers/factorized-visual-tokenization-and-generation/similar?k=5&has_code=true');
    expect(body.results).toHaveLength(5);
    expect(body.results.every((r: any) => r.github_url !== null)).toBe(true);
  });
});

describe('pagination', () => {
  it.each(['hybrid', 'semantic', 'keyword'])('%s: pages concatenate to the single long list, without repeats', async (mode) => {
    const whole = ids((await get(`/search?q=disentangled%20representation&mode=${mode}&k=30`)).body);
    const pages: string[] = [];
    for (let offset = 0; offset < 30; offset += 7) {
      const { body } = await get(`/search?q=disentangled%20representation&mode=${mode}&k=7&offset=${offset}`);
      expect(body.offset).toBe(offset);
      pages.push(...ids(body));
    }
    expect(pages.slice(0, 30)).toEqual(whole);
    expect(new Set(pages).size).toBe(pages.length);
  });

  it('reports the total a query can page through', async () => {
    expect((await get('/search?q=diffusion&mode=semantic')).body.total).toBe(68);
    const keyword = (await get('/search?q=diffusion&mode=keyword&k=100')).body;
    expect(keyword.total).toBe(keyword.results.length);
    // Exact here: a lower bound (`gte`) only comes past 10,000 matches (test/search/keyword-ranker.test.ts).
    expect([keyword.total_relation, (await get('/search?q=diffusion&mode=semantic')).body.total_relation]).toEqual(['eq', 'eq']);
  });
});

describe('highlights', () => {
  it('marks matched terms and escapes everything else', async () => {
    await ingestRecords(
      [paperRecord('xss-paper', '<script>alert(1)</script> Diffusion & "quotes"', 'A <b>bold</b> claim about diffusion <img src=x onerror=alert(2)>.')],
      sample.store,
      sample.embedder,
    );
    const { body } = await get('/search?q=diffusion%20script%20alert&mode=keyword&k=100');
    const hit = body.results.find((r: any) => r.id === 'xss-paper');
    expect(hit.highlights.title).toContain('<mark>Diffusion</mark>');
    expect(hit.highlights.title).toContain('&#60;<mark>script</mark>&#62;');
    expect(hit.highlights.title).toContain('&#38;');
    expect(hit.highlights.abstract).toContain('&#60;b&#62;bold&#60;/b&#62;');
    const withoutMarks = `${hit.highlights.title}${hit.highlights.abstract}`.replaceAll('<mark>', '').replaceAll('</mark>', '');
    expect(withoutMarks).not.toMatch(/[<>]/);
    sample.store.delete(['xss-paper']);
  });

  it('escapes title and abstract of papers the keyword side did not match', async () => {
    const { body } = await get('/search?q=zzzzqqq&mode=semantic&k=1');
    expect(body.results[0].highlights.title).not.toContain('<mark>');
    expect(body.results[0].highlights.abstract.length).toBeGreaterThan(0);
  });
});

describe('POST /recommend', () => {
  const liked = 'disenbooth-identity-preserving-disentangled-tuning-for-subject-driven-text-to-im';
  const disliked = 'attention-calibration-for-disentangled-text-to-image-personalization';

  it('returns papers near the positives, never the inputs', async () => {
    const { status, body } = await sample.post('/recommend', { positive: [liked], negative: [disliked], k: 10 });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(10);
    expect(ids(body)).not.toContain(liked);
    expect(ids(body)).not.toContain(disliked);
  });

  it('moves results away from the negatives', async () => {
    const similarToDisliked = ids((await get(`/papers/${disliked}/similar?k=3`)).body);
    const rank = async (negative: string[]) => {
      const order = ids((await sample.post('/recommend', { positive: [liked], negative, k: 60 })).body);
      return similarToDisliked.map((id) => (order.includes(id) ? order.indexOf(id) : 99)).reduce((a, b) => a + b, 0);
    };
    expect(await rank([disliked])).toBeGreaterThan(await rank([]));
  });

  it('takes text into account', async () => {
    const { body } = await sample.post('/recommend', { positive: [liked], text: 'FQGAN codebook quantization tokenizer', k: 5 });
    expect(ids(body)).toContain('factorized-visual-tokenization-and-generation');
  });

  it('answers unknown ids with 400 naming them, and bad bodies with 400', async () => {
    const unknown = await sample.post('/recommend', { positive: [liked, 'nope-1'], negative: ['nope-2'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('nope-1');
    expect(unknown.body.error.message).toContain('nope-2');
    expect(unknown.body.error.message).not.toContain(liked);
    for (const body of [
      '{not json',
      JSON.stringify({ positive: [] }),
      JSON.stringify({ positive: 'x' }),
      JSON.stringify({ positive: [liked], k: 0 }),
      '[]',
      'null',
    ]) {
      const { status, body: answer } = await sample.post('/recommend', body);
      expect(status, body).toBe(400);
      expect(answer.error.code).toBe('BAD_REQUEST');
    }
  });
});

describe('query-embedding cache', () => {
  it('serves repeated queries from the cache and reports the hit rate', async () => {
    const before = (await get('/health')).body.query_cache;
    await get('/search?q=cache%20probe%20query&mode=semantic');
    await get('/search?q=cache%20probe%20query&mode=semantic');
    await get('/search?q=%20cache%20probe%20%20query%20&mode=hybrid');
    const after = (await get('/health')).body.query_cache;
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2);
    expect(after.hit_rate).toBeGreaterThan(0);
  });
});
