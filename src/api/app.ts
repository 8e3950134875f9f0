// Builds the Hono app from ready-made parts; reads no environment, so tests build it directly.
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { getPath } from 'hono/utils/url';
import type { SearchService } from '../search/search-service.ts';
import { registerDocs } from './docs.ts';
import { errorBody, handleError, validationError } from './errors.ts';
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
}

export function createApp({ search, slicer }: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    // Ids may contain `/`: see paperRoutingPath for how /papers/<id>[/similar] is read.
    getPath: (request) => paperRoutingPath(getPath(request)),
    defaultHook: (result, c) => {
      if (!result.success) return validationError(result.error, result.target, c);
    },
  });
  if (slicer) app.use('*', timeSliced(slicer));
  app.use('*', cors());
  app.use('*', closeAfterRejectedBody());
  // API routes only: the web UI at / reads its own URL state and must not become a JSON error.
  for (const path of ['/search', '/papers/*', '/recommend']) app.use(path, strictUrl());
  app.use('*', limitBody());
  registerSearch(app, search);
  registerPapers(app, search);
  registerRecommend(app, search);
  registerHealth(app, search);
  registerDocs(app);
  registerUi(app);
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError(handleError);
  return app;
}
