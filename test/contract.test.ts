// Modes, page limits, the date rule and the tuning defaults are declared once (src/contract.ts,
// src/defaults.ts): every face that repeats them — the API's schemas and OpenAPI document, the CLI's
// options, the MCP tools, the browser UI and its page, the configuration — agrees with that one place.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';
import { toHealth } from '../src/api/present.ts';
import { Health, RecommendBody, SearchQuery, SimilarQuery } from '../src/api/schemas.ts';
import { parseDate } from '../src/cli/options.ts';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_K, DEFAULT_MODE, MAX_K, MAX_OFFSET, MAX_QUERY_CHARS, SEARCH_MODES } from '../src/contract.ts';
import { AppError } from '../src/errors.ts';
import { DEFAULT_FUSION, DEFAULT_HNSW, DEFAULT_HYBRID_DEPTH, DEFAULT_POSTINGS_CACHE_BYTES, DEFAULT_QUERY_CACHE_SIZE } from '../src/defaults.ts';
import { SearchPapersInput } from '../src/mcp/inputs.ts';
import { DEFAULT_SEARCH_OPTIONS, type SearchService, type ServiceStatus } from '../src/search/search-service.ts';
import * as searchTypes from '../src/search/types.ts';
import { modeOf, PAGE_SIZE, parseState } from '../src/ui/state.ts';

const openapi = JSON.parse(readFileSync('openapi.json', 'utf8'));
const searchParameter = (name: string) => openapi.paths['/search'].get.parameters.find((p: { name: string }) => p.name === name).schema;

/** The API in-process, over no index: a request that passes validation reaches search, which answers 503. */
const app = createApp({ search: { search: () => Promise.reject(new AppError('MODEL_UNAVAILABLE', 'validated')) } as unknown as SearchService });
const apiReason = async (query: string): Promise<string | undefined> => {
  const response = await app.request(`/search?q=x&${query}`);
  if (response.status === 503) return undefined;
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { details: { reason: string }[] } };
  return body.error.details[0]!.reason;
};
const cliReason = (value: string): string | undefined => {
  try {
    parseDate(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('the search modes', () => {
  it('are one list: the API schema and its OpenAPI enum, the search layer, MCP, the UI and its page', () => {
    expect(SearchQuery.shape.mode.unwrap().options).toEqual([...SEARCH_MODES]);
    expect(searchParameter('mode')).toMatchObject({ enum: [...SEARCH_MODES], default: DEFAULT_MODE });
    expect(searchTypes.SEARCH_MODES).toBe(SEARCH_MODES);
    for (const mode of SEARCH_MODES) {
      expect(modeOf(mode)).toBe(mode);
      expect(SearchPapersInput.safeParse({ query: 'x', mode }).success).toBe(true);
    }
    expect(modeOf('fuzzy')).toBe(DEFAULT_MODE);
    expect(SearchPapersInput.safeParse({ query: 'x', mode: 'fuzzy' }).success).toBe(false);
    // The page's radio buttons, in order, the default checked; its query box as long as the API's.
    const html = readFileSync('src/ui/index.html', 'utf8');
    const radios = [...html.matchAll(/<input type="radio" name="mode" value="([^"]+)"( checked)?/g)];
    expect(radios.map((match) => match[1])).toEqual([...SEARCH_MODES]);
    expect(radios.filter((match) => match[2]).map((match) => match[1])).toEqual([DEFAULT_MODE]);
    expect(html).toContain(`maxlength="${MAX_QUERY_CHARS}"`);
  });
});

describe('the page limits', () => {
  it('are the API schema’s bounds and defaults, in the OpenAPI document too; the UI asks for the default page', () => {
    expect(searchParameter('k')).toMatchObject({ minimum: 1, maximum: MAX_K, default: DEFAULT_K });
    expect(searchParameter('offset')).toMatchObject({ minimum: 0, maximum: MAX_OFFSET });
    expect(SimilarQuery.safeParse({ k: String(MAX_K) }).success).toBe(true);
    expect(SimilarQuery.safeParse({ k: String(MAX_K + 1) }).success).toBe(false);
    expect(RecommendBody.safeParse({ positive: ['a'], offset: MAX_OFFSET + 1 }).success).toBe(false);
    expect(PAGE_SIZE).toBe(DEFAULT_K);
  });
});

describe('the date rule', () => {
  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-1-05', '20240105', 'yesterday'])(
    'rejects %s with the same reason in the API (400) and the CLI; MCP rejects it and the UI drops it from its URL',
    async (value) => {
      const reason = await apiReason(`published_from=${value}`);
      expect(reason).toMatch(/date/);
      expect(cliReason(value)).toBe(reason);
      expect(SearchPapersInput.safeParse({ query: 'x', published_from: value }).success).toBe(false);
      expect(RecommendBody.safeParse({ positive: ['a'], published_to: value }).success).toBe(false);
      expect(parseState(`?q=x&published_from=${value}&published_to=${value}`).filters).toMatchObject({ publishedFrom: '', publishedTo: '' });
    },
  );

  it('accepts a real day everywhere (a leap day included)', async () => {
    for (const value of ['2024-02-29', '1999-12-31']) {
      expect(await apiReason(`published_from=${value}`)).toBeUndefined();
      expect(cliReason(value)).toBeUndefined();
      expect(SearchPapersInput.safeParse({ query: 'x', published_from: value }).success).toBe(true);
      expect(parseState(`?published_from=${value}`).filters.publishedFrom).toBe(value);
    }
  });
});

describe('the tuning defaults', () => {
  it('are what the configuration and the search service default to', () => {
    const config = loadConfig({});
    expect(config.hnsw).toEqual(DEFAULT_HNSW);
    expect(config.search.fusion).toEqual(DEFAULT_FUSION);
    expect(config.search.hybridDepth).toBe(DEFAULT_HYBRID_DEPTH);
    expect(config.search.queryCacheSize).toBe(DEFAULT_QUERY_CACHE_SIZE);
    expect(config.postingsCacheBytes).toBe(DEFAULT_POSTINGS_CACHE_BYTES);
    expect(config.search.keyword.bm25).toEqual(DEFAULT_SEARCH_OPTIONS.keyword.bm25);
    expect(DEFAULT_SEARCH_OPTIONS).toMatchObject({ fusion: DEFAULT_FUSION, hybridDepth: DEFAULT_HYBRID_DEPTH, queryCacheSize: DEFAULT_QUERY_CACHE_SIZE });
  });
});

describe('the /health body', () => {
  it('is shaped by the presenter from the service’s status, to the Health schema', () => {
    const status: ServiceStatus = {
      papers: 3,
      pendingVectors: 1,
      capabilities: { keyword: true, semantic: false, hybrid: false, similar: true },
      model: { id: 'm', dims: 4, dtype: 'q8', ready: false, error: 'no model' },
      queryCache: { capacity: 10, size: 2, hits: 1, misses: 2, hitRate: 0.333 },
      storage: 'ok',
      sync: [],
    };
    const body = toHealth(status);
    expect(Health.parse(body)).toEqual(body);
    expect(body).toMatchObject({ status: 'degraded', pending_vectors: 1, query_cache: { hit_rate: 0.333 } });
    expect(toHealth({ ...status, model: { ...status.model, ready: true, error: null } }).status).toBe('ok');
    expect(toHealth({ ...status, model: { ...status.model, ready: true, error: null }, storage: 'corrupt' }).status).toBe('degraded');
  });
});
