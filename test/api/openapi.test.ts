// The OpenAPI contract: /openapi.json is a valid OpenAPI 3.1 document (checked against the
// official schema by @seriousme/openapi-schema-validator), every API route is in it and nothing
// else is, and /docs renders it from locally served assets only.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { AppError } from '../../src/errors.ts';
import { SearchService } from '../../src/search/search-service.ts';
import type { PaperWriter } from '../../src/store/paper-store.ts';
import { openTestStore, tempDir } from '../support/fixtures.ts';

// Routes that serve the docs and the UI rather than the API, and the MCP endpoint (JSON-RPC, see src/mcp/).
const NOT_API = [/^\/openapi\.json$/, /^\/docs(\/|$)/, /^\/$/, /^\/ui\//, /^\/mcp$/];

const dir = tempDir();
let store: PaperWriter;
let app: ReturnType<typeof createApp>;
type Spec = { openapi: string; paths: Record<string, Record<string, any>>; components?: Record<string, any> };
let spec: Spec;

beforeAll(async () => {
  store = openTestStore(dir.path);
  // No model and no papers: the contract does not depend on either.
  app = createApp({ search: new SearchService(store, { error: new AppError('MODEL_UNAVAILABLE', 'no model in this test') }) });
  const response = await app.request('/openapi.json');
  expect(response.status).toBe(200);
  spec = (await response.json()) as Spec;
});

afterAll(() => {
  store?.close();
  dir.remove();
});

/** `GET /papers/:id` as the spec writes it: `get /papers/{id}`. */
function apiRoutes(): string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL' && !NOT_API.some((pattern) => pattern.test(route.path)))
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

const specOperations = () =>
  Object.entries(spec.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort();

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    // The validator resolves $refs in place: give it a copy.
    const result = await validator.validate(structuredClone(spec));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    // …and the check is not vacuous: a broken operation fails it.
    const broken = structuredClone(spec);
    broken.paths['/search']!.get.responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('describes every API route the app serves, and no route it does not', () => {
    const routes = apiRoutes();
    expect(routes).toEqual(expect.arrayContaining(['get /search', 'get /papers/{id}', 'get /papers/{id}/similar', 'get /health']));
    expect(specOperations()).toEqual(routes);
  });

  it('gives every operation a summary, a 200 response with a schema, and the shared error shape', () => {
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(operation.summary, where).toBeTruthy();
        expect(operation.responses?.['200']?.content?.['application/json']?.schema, where).toBeDefined();
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          if (status.startsWith('4') || status.startsWith('5')) {
            expect(response.content['application/json'].schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
          }
        }
        // Anything that takes input can reject it.
        if (operation.parameters?.length || operation.requestBody) expect(operation.responses['400'], where).toBeDefined();
      }
    }
  });

  it('documents the search parameters, modes and filters', () => {
    const search = spec.paths['/search']!.get;
    const names = search.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['q', 'k', 'offset', 'mode', 'published_from', 'published_to', 'min_upvotes', 'has_code', 'category']));
    const q = search.parameters.find((p: { name: string }) => p.name === 'q');
    expect(q).toMatchObject({ in: 'query', required: true });
    const mode = search.parameters.find((p: { name: string }) => p.name === 'mode');
    expect(mode.schema.enum).toEqual(['hybrid', 'semantic', 'keyword']);
    const category = search.parameters.find((p: { name: string }) => p.name === 'category');
    expect(category).toMatchObject({ in: 'query', required: false, schema: { type: 'string', pattern: expect.stringContaining('{0,63}') } });
    for (const path of ['/papers/{id}/similar']) {
      expect(
        spec.paths[path]!.get.parameters.map((p: { name: string }) => p.name),
        path,
      ).toContain('category');
    }
  });

  it('documents the paper fields of results and papers', () => {
    const fields = ['authors', 'authors_count', 'categories', 'url', 'doi', 'updated'];
    expect(Object.keys(spec.components!.schemas.SearchResult.properties)).toEqual(expect.arrayContaining(fields));
    expect(Object.keys(spec.components!.schemas.Paper.properties)).toEqual(expect.arrayContaining(fields));
  });
});

describe('GET /docs', () => {
  it('serves an interactive reference whose scripts and styles all come from this server', async () => {
    const response = await app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((url) => !url.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const url of assets) {
      expect(url, 'no absolute or protocol-relative URLs').not.toMatch(/^(https?:)?\/\//);
      const asset = await app.request(`/${url}`);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(url.endsWith('.css') ? /text\/css/ : /javascript/);
    }
    const init = await (await app.request('/docs/assets/init.js')).text();
    expect(init).toContain("url: 'openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  // Regression (issue 14): /docs/ was a 404. It redirects, relative to itself so a proxy's path prefix stays.
  it('redirects /docs/ to /docs', async () => {
    const response = await app.request('/docs/');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('../docs');
    expect(new URL(response.headers.get('location')!, 'http://host/prefix/docs/').pathname).toBe('/prefix/docs');
  });

  it('serves only the asset files it lists', async () => {
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await app.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});
