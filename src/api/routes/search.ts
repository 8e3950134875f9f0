// GET /search: text search in hybrid (default), semantic or keyword mode, with filters and paging.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toFilter, toSearchBody } from '../present.ts';
import { SearchQuery, SearchResponse } from '../schemas.ts';
import { errorResponses, jsonContent } from './responses.ts';

const route = createRoute({
  method: 'get',
  path: '/search',
  operationId: 'searchPapers',
  tags: ['search'],
  summary: 'Search papers by meaning and by keywords',
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
    const input = c.req.valid('query');
    const page = await search.search({ query: input.q, mode: input.mode, k: input.k, offset: input.offset, filter: toFilter(input) });
    return c.json(toSearchBody(input.q, page, input, started), 200);
  });
}
