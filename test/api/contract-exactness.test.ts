// The spec says what the server enforces (issue 16): each query parameter value is accepted by the
// server exactly when the served /openapi.json allows it; empty values are rejected everywhere;
// integers are decimal digits; unknown methods on known paths are 405 with Allow; requests the
// server cannot read at all still get the JSON error shape; CORS lists only real methods.
import net from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { DEFAULT_CONNECTION_LIMITS, serveWithLimits } from '../../src/api/connection-limits.ts';
import { CATEGORY_PATTERN_AS_SENT } from '../../src/api/schemas.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { CATEGORY_PATTERN } from '../../src/store/category.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { parameterSchemas, specAllows, type Operation, type Spec } from './spec-values.ts';

const PAPER = 'factorized-visual-tokenization-and-generation';

let sample: SampleServer;
let spec: Spec;
beforeAll(async () => {
  sample = await startSampleServer();
  spec = (await sample.get('/openapi.json')).body as Spec;
});
afterAll(() => sample?.close());

/** An operation of the served spec, by path and method. */
const operation = (path: string, method: string): Operation => {
  const found = spec.paths[path]?.[method] as Operation | undefined;
  if (!found) throw new Error(`no ${method} ${path} in the spec`);
  return found;
};

const fetchJson = async (path: string, init?: RequestInit) => {
  const response = await fetch(sample.base + path, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
};

/** Values at the edges of every rule a query parameter has, sent raw (already percent-encoded where needed). */
const EDGE_VALUES: Record<string, string[]> = {
  q: ['', '%20', '%20%20%09', 'x', '%20x%20', 'x'.repeat(1000), 'x'.repeat(1001), '%F0%9F%98%80'.repeat(1000), '%F0%9F%98%80'.repeat(1001)],
  mode: ['', 'hybrid', 'keyword', 'semantic', 'HYBRID', 'x'],
  k: ['', '0', '1', '5', '010', '100', '101', '0x10', '1e1', '%205', '5%20', '+5', '-1', '5.0', '2.5', '1e309', 'Infinity', 'NaN', '９'],
  offset: ['', '0', '1000', '1001', '0x10', '1e1', '-0', '%200', '0.0'],
  published_from: ['', '2024-01-01', '2024-02-29', '2023-02-29', '2024-02-30', '2024-13-01', '2024-1-1', '20240101', '2024-01-01T00:00:00Z', '0000-01-01'],
  published_to: ['', '2025-12-31', '2025-04-31', '%202025-01-01'],
  min_upvotes: ['', '0', '3', '9007199254740991', '9007199254740992', '0x10', '1e2', '-1'],
  has_code: ['', 'true', 'false', 'TRUE', 'yes'],
  category: ['', '%20', '*', '%20*', 'cs.LG', 'cs.*', 'cs.', '%20cs.LG', 'cs.LG%20', 'a%20*', 'a'.repeat(64), 'a'.repeat(65), 'cs/LG', '%09cs.LG'],
};

describe('query parameters: the server accepts a value exactly when the spec allows it', () => {
  const routes = [
    { path: '/search', base: 'q=diffusion', op: () => operation('/search', 'get') },
    { path: `/papers/${PAPER}/similar`, base: '', op: () => operation('/papers/{id}/similar', 'get') },
  ];
  for (const route of routes) {
    it(`GET ${route.path}`, async () => {
      const schemas = parameterSchemas(route.op(), 'query');
      const mismatches: string[] = [];
      for (const [name, values] of Object.entries(EDGE_VALUES)) {
        if (!schemas[name]) continue;
        for (const raw of values) {
          const others = name === 'q' ? '' : route.base;
          const query = [others, `${name}=${raw}`].filter(Boolean).join('&');
          const { status, body } = await fetchJson(`${route.path}?${query}`);
          expect(status, query).not.toBeGreaterThanOrEqual(500);
          const allowed = specAllows(schemas[name], decodeURIComponent(raw));
          if ((status === 200) !== allowed)
            mismatches.push(`${name}=${raw}: spec ${allowed ? 'allows' : 'rejects'}, server ${status} ${JSON.stringify(body.error ?? '')}`);
          if (status === 400)
            expect(
              body.error.details.map((d: { field: string }) => d.field),
              query,
            ).toContain(name);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('the spec documents each rule', () => {
  const search = () => parameterSchemas(operation('/search', 'get'), 'query');

  it('q: 1–1000 characters with a non-space one (a blank q is a 400 the spec predicts)', async () => {
    expect(search().q).toMatchObject({ type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' });
    const { status, body } = await fetchJson('/search?q=%20');
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ field: 'q', reason: 'must contain a non-space character' }]);
    // Leading and trailing spaces are trimmed, as before.
    expect((await fetchJson('/search?q=%20diffusion%20')).body.query).toBe('diffusion');
  });

  it('dates: format date with the YYYY-MM-DD pattern; 2024-02-30 is rejected as the format says', async () => {
    for (const name of ['published_from', 'published_to']) {
      expect(search()[name]).toMatchObject({ type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
    }
    const body = operation('/recommend', 'post').requestBody.content['application/json'].schema;
    const recommend = body.$ref ? spec.components?.schemas[body.$ref.split('/').pop()] : body;
    expect(recommend.properties.published_from).toMatchObject({ format: 'date' });
    expect((await fetchJson('/search?q=x&published_from=2024-02-30')).body.error.details[0]).toEqual({
      field: 'published_from',
      reason: 'is not a real calendar date',
    });
  });

  it('integers: type integer with minimum, maximum and a decimal-digits pattern', () => {
    for (const op of [operation('/search', 'get'), operation('/papers/{id}/similar', 'get')]) {
      const schemas = parameterSchemas(op, 'query');
      expect(schemas.k).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 10, pattern: '^\\d+$' });
      expect(schemas.offset).toMatchObject({ type: 'integer', minimum: 0, maximum: 1000, default: 0, pattern: '^\\d+$' });
      expect(schemas.min_upvotes).toMatchObject({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, pattern: '^\\d+$' });
    }
  });

  it('category: the spec pattern (on the text as sent) allows exactly the texts whose trimmed value the server accepts', () => {
    const samples = [
      'cs.LG',
      ' cs.LG',
      '   cs.*',
      'a *',
      'cs.* ',
      '\tcs.LG\n',
      '\u00a0cs.LG\ufeff',
      'a'.repeat(64),
      ' *',
      '*',
      ' ',
      '',
      'a'.repeat(65),
      `  ${'b'.repeat(64)}  `,
      `a${' '.repeat(63)}*`,
      `a${' '.repeat(64)}*`,
      'cs/LG',
      'cs.**',
    ];
    for (const value of samples) expect(CATEGORY_PATTERN_AS_SENT.test(value), JSON.stringify(value)).toBe(CATEGORY_PATTERN.test(value.trim()));
  });
});

describe('lengths count characters as JSON Schema does (code points)', () => {
  const emoji = '%F0%9F%98%80';

  it('a paper id of 500 astral characters is within the spec: 404 (no such paper), not 400', async () => {
    expect(parameterSchemas(operation('/papers/{id}', 'get'), 'path').id).toMatchObject({ minLength: 1, maxLength: 500 });
    expect((await fetchJson(`/papers/${emoji.repeat(500)}`)).status).toBe(404);
    expect((await fetchJson(`/papers/${emoji.repeat(501)}`)).status).toBe(400);
  });

  it('POST /recommend text: blank is a 400 the spec predicts (pattern \\S), 1000 astral characters are fine', async () => {
    const body = operation('/recommend', 'post').requestBody.content['application/json'].schema;
    const schema = body.$ref ? spec.components?.schemas[body.$ref.split('/').pop()] : body;
    expect(schema.properties.text).toMatchObject({ type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' });
    const blank = await sample.post('/recommend', { positive: [PAPER], text: ' \t' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details).toEqual([{ field: 'text', reason: 'must contain a non-space character' }]);
    expect((await sample.post('/recommend', { positive: [PAPER], text: '😀'.repeat(1000) })).status).toBe(200);
    expect((await sample.post('/recommend', { positive: [PAPER], text: '😀'.repeat(1001) })).status).toBe(400);
  });
});

describe('empty values', () => {
  it.each(['q', 'mode', 'k', 'offset', 'published_from', 'published_to', 'min_upvotes', 'has_code', 'category'])(
    '%s= and a bare %s are 400s naming it (the spec allows no empty value)',
    async (name) => {
      const query = name === 'q' ? 'q=' : `q=x&${name}=`;
      for (const path of [`/search?${query}`, `/search?${query.replace(`${name}=`, name)}`]) {
        const { status, body } = await fetchJson(path);
        expect(status, path).toBe(400);
        expect(body.error.details[0].field).toBe(name);
      }
      if (name !== 'q' && name !== 'mode') {
        const { status } = await fetchJson(`/papers/${PAPER}/similar?${name}=`);
        expect(status).toBe(400);
      }
    },
  );

  it('offset= no longer reads as 0, nor min_upvotes= as 0', async () => {
    expect((await fetchJson('/search?q=x&offset=')).body.error.details).toEqual([{ field: 'offset', reason: 'must not be empty' }]);
    expect((await fetchJson('/search?q=x&min_upvotes=')).body.error.details).toEqual([{ field: 'min_upvotes', reason: 'must not be empty' }]);
  });
});

describe('integers are decimal digits', () => {
  it.each(['0x10', '1e1', '%2016', '16%20', '+16', '16.0', '0b1', '0o7'])('k=%s is a 400', async (raw) => {
    const { status, body } = await fetchJson(`/search?q=x&k=${raw}`);
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ field: 'k', reason: 'must be a whole number written in decimal digits' }]);
  });

  it('leading zeros are still decimal: k=016 is 16', async () => {
    expect((await fetchJson('/search?q=diffusion&k=016')).body.k).toBe(16);
  });
});

describe('405 for unknown methods on known paths', () => {
  it.each([
    ['POST', '/search', 'GET, HEAD, OPTIONS'],
    ['PUT', `/papers/${PAPER}`, 'GET, HEAD, OPTIONS'],
    ['DELETE', `/papers/hep-ph/0307015/similar`, 'GET, HEAD, OPTIONS'],
    ['PATCH', '/health', 'GET, HEAD, OPTIONS'],
    ['GET', '/recommend', 'POST, OPTIONS'],
    ['DELETE', '/recommend', 'POST, OPTIONS'],
    ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
    ['POST', '/', 'GET, HEAD, OPTIONS'],
  ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const { status, headers, body } = await fetchJson(path, { method });
    expect(status).toBe(405);
    expect(headers.get('allow')).toBe(allow);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(body.error.details).toEqual({ allow: allow.split(', ') });
  });

  it('HEAD /recommend is a 405 too, without a body', async () => {
    const response = await fetch(`${sample.base}/recommend`, { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('unknown paths stay 404 for every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const { status, body } = await fetchJson('/nope', { method });
      expect(status).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('CORS', () => {
  it('the preflight lists only methods some route answers', async () => {
    const response = await fetch(`${sample.base}/search`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,OPTIONS');
  });
});

describe('requests the server cannot make a Request of get the JSON error shape', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const app = createApp({ search: new SearchService(sample.store, { embedder: sample.embedder }) });
    port = await new Promise<number>((resolve) => {
      // No hostname, as `serve` runs without PAPERSEEK_HOST: a request without Host has no host to fall back on.
      server = serveWithLimits({ fetch: app.fetch, port: 0 }, DEFAULT_CONNECTION_LIMITS, (info) => resolve(info.port));
    });
  });
  afterAll(() => server?.close());

  /** Sends `request` on a raw connection; resolves with everything the server sent before closing or after 2 s. */
  const raw = (request: string) =>
    new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
      socket.setTimeout(2000, () => socket.destroy());
      socket.write(request);
    });

  it.each([
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    ['HTTP/1.0 without Host', 'GET /health HTTP/1.0\r\n\r\n'],
    ['a backslash in the path', 'GET /a\\b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'],
    ['malformed HTTP', 'NOT HTTP\r\n\r\n'],
  ])('%s → 400 with a JSON body', async (_name, request) => {
    const response = await raw(request);
    const [head = '', body = ''] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.[01] 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('Malformed HTTP request') } });
  });

  it('HTTP/1.0 with a Host is still served', async () => {
    const response = await raw('GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.[01] 200 /);
  });
});
