// /mcp on the HTTP server (Streamable HTTP, stateless), driven by the SDK's client: the same tools
// as `paperseek mcp`, answering with exactly what the HTTP API answers.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { call, callEachTool, checkErrors, listTools, QUERY } from './tools.ts';

let sample: SampleServer;
let client: Client;

beforeAll(async () => {
  sample = await startSampleServer();
  client = new Client({ name: 'paperseek-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${sample.base}/mcp`)));
});

afterAll(async () => {
  await client?.close();
  await sample?.close();
});

const withoutTime = ({ took_ms, ...rest }: { took_ms: number }) => rest;

describe('POST /mcp', () => {
  it('lists the four tools', async () => {
    await listTools(client);
  });

  it('answers each tool with structured content and a text rendering', async () => {
    await callEachTool(client);
  });

  it('answers failures with tool errors carrying the API messages', async () => {
    await checkErrors(client);
    const http = await sample.get('/papers/no-such-paper/similar');
    expect(http.status).toBe(404);
    expect(await call(client, 'similar_papers', { id: 'no-such-paper' })).toMatchObject({ isError: true, text: http.body.error.message });
  });

  it('gives as structured content the body the HTTP API answers with', async () => {
    const search = await call(client, 'search_papers', { query: QUERY, mode: 'keyword', k: 3, offset: 1, has_code: true });
    const http = await sample.get(`/search?q=${encodeURIComponent(QUERY)}&mode=keyword&k=3&offset=1&has_code=true`);
    expect(search.body.results).toHaveLength(3);
    expect(withoutTime(search.body)).toEqual(withoutTime(http.body));
    const id = search.body.results[0].id;
    expect((await call(client, 'get_paper', { id })).body).toEqual((await sample.get(`/papers/${encodeURIComponent(id)}`)).body);
    const similar = await call(client, 'similar_papers', { id, k: 4, published_from: '2024-01-01' });
    expect(withoutTime(similar.body)).toEqual(withoutTime((await sample.get(`/papers/${encodeURIComponent(id)}/similar?k=4&published_from=2024-01-01`)).body));
    const recommend = await call(client, 'recommend_papers', { positive: [id], k: 2 });
    expect(withoutTime(recommend.body)).toEqual(withoutTime((await sample.post('/recommend', { positive: [id], k: 2 })).body));
  });

  it('answers GET and DELETE (no sessions, no event stream) with 405', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${sample.base}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toContain('POST');
    }
  });
});
