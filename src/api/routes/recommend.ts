// POST /recommend: papers near positive examples (and optional text), away from negative ones.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toRecommendBody, toRecommendRequest } from '../present.ts';
import { RecommendBody, RecommendResponse } from '../schemas.ts';
import { errorResponses, jsonContent } from './responses.ts';

const route = createRoute({
  method: 'post',
  path: '/recommend',
  operationId: 'recommendPapers',
  tags: ['search'],
  summary: 'Recommendations from example papers',
  request: { body: { content: jsonContent(RecommendBody), required: true } },
  responses: {
    200: { content: jsonContent(RecommendResponse), description: 'Recommended papers, best first; the input papers are excluded.' },
    400: errorResponses[400],
    413: errorResponses[413],
    415: errorResponses[415],
    503: errorResponses[503],
  },
});

export function registerRecommend(app: OpenAPIHono, search: SearchService): void {
  app.openapi(route, async (c) => {
    const started = performance.now();
    const input = c.req.valid('json');
    const page = await search.recommend(toRecommendRequest(input));
    return c.json(toRecommendBody(page, input, started), 200);
  });
}
