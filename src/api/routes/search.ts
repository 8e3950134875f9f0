// GET /search: free-text semantic search.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toResult } from '../present.ts';
import { SearchQuery, SearchResponse } from '../schemas.ts';
import { errorResponses, jsonContent } from './responses.ts';

const route = createRoute({
  method: 'get',
  path: '/search',
  summary: 'Search papers by meaning',
  request: { query: SearchQuery },
  responses: {
    200: { content: jsonContent(SearchResponse), description: 'Papers best first.' },
    400: errorResponses[400],
    503: errorResponses[503],
  },
});

export function registerSearch(app: OpenAPIHono, search: SearchService): void {
  app.openapi(route, async (c) => {
    const started = performance.now();
    const { q, k } = c.req.valid('query');
    const hits = await search.search(q, k);
    return c.json({ query: q, results: hits.map(toResult), took_ms: elapsed(started) }, 200);
  });
}

export const elapsed = (started: number): number => Math.round((performance.now() - started) * 100) / 100;
