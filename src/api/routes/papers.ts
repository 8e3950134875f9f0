// GET /papers/:id and GET /papers/:id/similar, for ids that may contain `/` (old arXiv ids).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toFilter, toPaper, toSimilarBody } from '../present.ts';
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

const PAPERS = '/papers/';
const SIMILAR = '/similar';

/**
 * The routing path of a request path: under /papers/, slashes inside the id are percent-encoded,
 * so `/papers/hep-ph/0307015/similar` routes like `/papers/hep-ph%2F0307015/similar` and the
 * router's one-segment `{id}` receives the whole id (Hono decodes `%2F` in the parameter). The rule:
 * a path ending in `/similar` is the similar-papers route of everything between; any other path
 * is the paper of everything after /papers/. An id that itself ends in `/similar` is reached
 * percent-encoded (`/papers/x%2Fsimilar`), which the rule leaves alone.
 */
export function paperRoutingPath(path: string): string {
  if (!path.startsWith(PAPERS)) return path;
  const rest = path.slice(PAPERS.length);
  if (!rest.includes('/')) return path;
  const encode = (id: string) => id.replaceAll('/', '%2F');
  if (rest.endsWith(SIMILAR) && rest.length > SIMILAR.length) return `${PAPERS}${encode(rest.slice(0, -SIMILAR.length))}${SIMILAR}`;
  return `${PAPERS}${encode(rest)}`;
}

export function registerPapers(app: OpenAPIHono, search: SearchService): void {
  app.openapi(paperRoute, (c) => c.json(toPaper(search.paper(c.req.valid('param').id)), 200));

  app.openapi(similarRoute, (c) => {
    const started = performance.now();
    const { id } = c.req.valid('param');
    const input = c.req.valid('query');
    const page = search.similar(id, { k: input.k, offset: input.offset, filter: toFilter(input) });
    return c.json(toSimilarBody(id, page, input, started), 200);
  });
}
