// GET /papers/:id and GET /papers/:id/similar.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toFilter, toPage } from '../present.ts';
import { Paper, PaperParams, SimilarQuery, SimilarResponse } from '../schemas.ts';
import { errorResponses, jsonContent } from './responses.ts';

const paperRoute = createRoute({
  method: 'get',
  path: '/papers/{id}',
  operationId: 'getPaper',
  tags: ['papers'],
  summary: 'One paper',
  request: { params: PaperParams },
  responses: {
    200: { content: jsonContent(Paper), description: 'The paper.' },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const similarRoute = createRoute({
  method: 'get',
  path: '/papers/{id}/similar',
  operationId: 'similarPapers',
  tags: ['search'],
  summary: 'Papers nearest to a paper (never the paper itself), with the same filters as /search',
  request: { params: PaperParams, query: SimilarQuery },
  responses: {
    200: { content: jsonContent(SimilarResponse), description: 'Nearest papers, best first.' },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

export function registerPapers(app: OpenAPIHono, search: SearchService): void {
  app.openapi(paperRoute, (c) => c.json(search.paper(c.req.valid('param').id), 200));

  app.openapi(similarRoute, (c) => {
    const started = performance.now();
    const { id } = c.req.valid('param');
    const input = c.req.valid('query');
    const page = search.similar(id, { k: input.k, offset: input.offset, filter: toFilter(input) });
    return c.json({ id, ...toPage(page, input, started) }, 200);
  });
}
