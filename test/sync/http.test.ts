// The polite client on its own, against the loopback replay server: spacing, Retry-After on 429,
// timeouts retried, errors that retrying cannot fix failing at once, and Retry-After parsing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter, PoliteClient, RequestFailed, type ClientOptions } from '../../src/sync/http.ts';
import { startReplayServer, type ReplayServer } from './replay-server.ts';

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
});
afterEach(() => {
  server.fault = undefined;
  server.requests.length = 0;
});
afterAll(() => server.close());

const options = (overrides: Partial<ClientOptions> = {}): ClientOptions => ({
  userAgent: 'paperseek/test',
  minIntervalMs: 0,
  timeoutMs: 5000,
  retries: 2,
  retryMinMs: 20,
  retryMaxMs: 1000,
  maxRetryAfterMs: 5000,
  ...overrides,
});

const text = async (body: AsyncIterable<Buffer>) => {
  let out = '';
  for await (const chunk of body) out += chunk.toString('utf8');
  return out;
};

describe('PoliteClient', () => {
  it('sends requests one at a time, each the interval after the previous one, even when called together', async () => {
    const client = new PoliteClient(options({ minIntervalMs: 100 }));
    const urls = [0, 4, 8].map((start) => `${server.base}/api/query?start=${start}&max_results=4`);
    const bodies = await Promise.all(urls.map((url) => client.get(url, text)));
    expect(bodies.every((body) => body.includes('<feed'))).toBe(true);
    expect(server.requests.map((r) => r.params.get('start'))).toEqual(['0', '4', '8']);
    for (let i = 1; i < 3; i++) expect(server.requests[i]!.at - server.requests[i - 1]!.at).toBeGreaterThanOrEqual(100);
  });

  it('honours 429 with Retry-After', async () => {
    server.fault = (request, repeat) => (repeat === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined);
    const client = new PoliteClient(options());
    await client.get(`${server.base}/hf/api/daily_papers?date=2026-07-30`, text);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('retries a request that gets no answer within the timeout', async () => {
    server.fault = (request, repeat) => (repeat === 0 ? { hang: true } : undefined);
    const lines: string[] = [];
    const client = new PoliteClient(options({ timeoutMs: 300, log: (line) => lines.push(line) }));
    const body = await client.get(`${server.base}/oai?verb=ListRecords`, text);
    expect(body).toContain('<ListRecords>');
    expect(lines.join('\n')).toContain('(timeout); trying again');
  });

  it('fails at once on a 404, and after its retries on a 5xx, naming the URL and the last error', async () => {
    const client = new PoliteClient(options());
    const missing = `${server.base}/nothing-here`;
    const notFound = await client.get(missing, text).catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(RequestFailed);
    expect(notFound).toMatchObject({ url: missing, attempts: 1, lastError: 'HTTP 404 Not Found' });

    server.fault = () => ({ status: 502 });
    const down = await client.get(`${server.base}/oai?verb=ListRecords`, text).catch((error: unknown) => error);
    expect(down).toMatchObject({ attempts: 3, lastError: 'HTTP 502 Bad Gateway' });
  });

  it('does not wait out a Retry-After longer than the limit', async () => {
    server.fault = () => ({ status: 503, headers: { 'retry-after': '3600' } });
    const client = new PoliteClient(options());
    const error = await client.get(`${server.base}/oai?verb=ListRecords`, text).catch((e: unknown) => e);
    expect(error).toMatchObject({ attempts: 1 });
    expect((error as RequestFailed).lastError).toContain('asking to retry after 3600 s');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-15T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
