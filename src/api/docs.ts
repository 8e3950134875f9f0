// GET /openapi.json (OpenAPI 3.1, generated from the zod route schemas) and GET /docs, an
// interactive reference (Swagger UI) whose scripts and styles are served from node_modules:
// nothing is fetched from a CDN, so the reference works offline.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { errorBody } from './errors.ts';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const VERSION = (require('../../package.json') as { version: string }).version;

/** The only files /docs/assets/ serves, with their content types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

// Paths are relative so the page also works behind a reverse proxy that mounts it under a prefix.
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paperseek API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

// validatorUrl: null stops Swagger UI from calling validator.swagger.io for its badge.
const INIT_JS = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, tryItOutEnabled: true });\n`;

export const OPENAPI_INFO = {
  title: 'paperseek',
  version: VERSION,
  description: 'Semantic, keyword and hybrid search over research-paper abstracts. Errors share one shape: ' + '`{"error": {"code", "message", "details"?}}`.',
};

export function registerDocs(app: OpenAPIHono): void {
  app.doc31('/openapi.json', { openapi: '3.1.0', info: OPENAPI_INFO });

  app.get('/docs', (c) => c.html(DOCS_HTML));
  // The page's relative asset paths resolve from /docs only; a relative Location keeps a proxy's prefix.
  app.get('/docs/', (c) => c.redirect('../docs', 301));
  app.get('/docs/assets/init.js', (c) => c.body(INIT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    // Own keys only: `__proto__` or `constructor` must not reach readFile.
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return c.json(errorBody('NOT_FOUND', `No route GET ${c.req.path}.`), 404);
    const body = await readFile(path.join(SWAGGER_DIR, file));
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
