// Builds the Hono app from ready-made parts; reads no environment, so tests build it directly.
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import { registerMcp } from '../mcp/http.ts';
import type { SearchService } from '../search/search-service.ts';
import { registerDocs } from './docs.ts';
import { errorBody, handleError, statusOf, validationError } from './errors.ts';
import { metricsHandler, observeRequests, type RequestRecord, type ServerMetrics } from './metrics.ts';
import { closeAfterRejectedBody, limitBody, strictUrl } from './request-limits.ts';
import { registerHealth } from './routes/health.ts';
import { paperRoutingPath, registerPapers } from './routes/papers.ts';
import { registerRecommend } from './routes/recommend.ts';
import { registerSearch } from './routes/search.ts';
import { timeSliced, type TimeSlicer } from './time-slicer.ts';
import { registerUi } from './ui.ts';

export interface AppDeps {
  search: SearchService;
  /** Runs request work in short slices of the event loop (the server passes one; tests may not). */
  slicer?: TimeSlicer;
  /** Counts and times every request and answers GET /metrics (the server passes one). */
  metrics?: ServerMetrics;
  /** Told about every answered request (the server's request log). */
  onRequest?: (record: RequestRecord) => void;
}

export function createApp({ search, slicer, metrics, onRequest }: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    // Ids may contain `/`: see paperRoutingPath for how /papers/<id>[/similar] is read.
    getPath: (request) => paperRoutingPath(getPath(request)),
    defaultHook: (result, c) => {
      if (!result.success) return validationError(result.error, result.target, c);
    },
  });
  // First, so a request's time includes its wait for a time slice.
  const observers = [metrics?.onRequest, onRequest].filter((observer) => observer !== undefined);
  if (observers.length > 0) app.use('*', observeRequests(...observers));
  if (slicer) app.use('*', timeSliced(slicer));
  // Only the methods some route answers (HEAD with GET; OPTIONS is this preflight itself).
  app.use('*', cors({ allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'] }));
  app.use('*', closeAfterRejectedBody());
  // API routes only: the web UI at / reads its own URL state and must not become a JSON error.
  for (const path of ['/search', '/papers/*', '/recommend']) app.use(path, strictUrl());
  app.use('*', limitBody());
  registerSearch(app, search);
  registerPapers(app, search);
  registerRecommend(app, search);
  registerHealth(app, search);
  registerMcp(app, search);
  registerDocs(app);
  if (metrics) app.get('/metrics', metricsHandler(metrics));
  registerUi(app);
  app.notFound(notFoundOrNotAllowed(app));
  app.onError(handleError);
  return app;
}

/**
 * No handler for this method and path: 405 with `Allow` when the path has routes for other
 * methods, else 404. Both in the JSON error shape.
 */
function notFoundOrNotAllowed(app: OpenAPIHono) {
  let methods: string[] | undefined;
  return (c: Context): Response => {
    // Every route is registered by the first request: read the methods they use once.
    methods ??= [...new Set(app.routes.map((route) => route.method).filter((method) => method !== 'ALL'))];
    const path = paperRoutingPath(getPath(c.req.raw));
    // app.use middleware is registered under ALL and matches every path: only method routes count.
    const allowed = methods.filter((method) => app.router.match(method, path)[0].some(([[, route]]) => route.method !== 'ALL'));
    if (allowed.length === 0) return c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404);
    if (allowed.includes('GET')) allowed.push('HEAD');
    allowed.push('OPTIONS');
    c.header('allow', allowed.join(', '));
    return c.json(
      errorBody('METHOD_NOT_ALLOWED', `${c.req.path} does not answer ${c.req.method}: allowed methods are ${allowed.join(', ')}.`, { allow: allowed }),
      statusOf('METHOD_NOT_ALLOWED'),
    );
  };
}
