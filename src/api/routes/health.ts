// GET /health: liveness plus what the index and model look like.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { SearchService } from '../../search/search-service.ts';
import { toHealth } from '../present.ts';
import { Health } from '../schemas.ts';
import { jsonContent } from './responses.ts';

const route = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'health',
  tags: ['service'],
  summary: 'Service status, paper count and model',
  responses: { 200: { content: jsonContent(Health), description: 'Status; `degraded` when the model is not loaded.' } },
});

export function registerHealth(app: OpenAPIHono, search: SearchService): void {
  app.openapi(route, (c) => c.json(toHealth(search.status()), 200));
}
