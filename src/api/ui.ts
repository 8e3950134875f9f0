// The web UI: GET / (the page), /ui/app.js and /ui/styles.css. The UI is compiled from src/ui/
// on the first request and kept in memory; a build failure answers 500 (logged by onError) and
// the next request builds again.
import { createHash } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { buildUi, type UiAssets } from '../ui/build.ts';

type Loader = () => Promise<UiAssets>;

const once = (load: Loader): Loader => {
  let pending: Promise<UiAssets> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined; // a later request retries, e.g. after a syntax error is fixed
      throw error;
    });
    return pending;
  };
};

const etag = (text: string) => `"${createHash('sha1').update(text).digest('base64url').slice(0, 16)}"`;

export function registerUi(app: OpenAPIHono, load: Loader = buildUi): void {
  const assets = once(load);
  const serve = (pick: (ui: UiAssets) => string, type: string) => async (c: Context) => {
    const body = pick(await assets());
    const tag = etag(body);
    // no-cache: revalidate every time, so a restarted server never leaves a stale UI in a browser.
    const headers = { 'content-type': type, 'cache-control': 'no-cache', etag: tag };
    if (c.req.header('if-none-match') === tag) return c.body(null, 304, headers);
    return c.body(body, 200, headers);
  };
  app.get(
    '/',
    serve((ui) => ui.html, 'text/html; charset=utf-8'),
  );
  app.get(
    '/ui/app.js',
    serve((ui) => ui.js, 'text/javascript; charset=utf-8'),
  );
  app.get(
    '/ui/styles.css',
    serve((ui) => ui.css, 'text/css; charset=utf-8'),
  );
}
