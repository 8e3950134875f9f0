// An HTTP server over the sample page ingested with the generated lexical model, for API tests.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../src/api/app.ts';
import { TimeSlicer } from '../../src/api/time-slicer.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import { DEFAULT_SEARCH_OPTIONS, SearchService, type SearchOptions } from '../../src/search/search-service.ts';
import { readSource } from '../../src/sources/index.ts';
import type { PaperWriter } from '../../src/store/paper-store.ts';
import { openTestStore, SAMPLE_FILE, tempDir, testEmbedder } from './fixtures.ts';

export interface Listening {
  server: ServerType;
  base: string;
}

export function listen(search: SearchService, slicer?: TimeSlicer): Promise<Listening> {
  return new Promise((resolve) => {
    const started = serve({ fetch: createApp({ search, slicer }).fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: started, base: `http://127.0.0.1:${info.port}` }),
    );
  });
}

export interface SampleServer extends Listening {
  store: PaperWriter;
  embedder: Embedder;
  get(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startSampleServer(options: SearchOptions = DEFAULT_SEARCH_OPTIONS): Promise<SampleServer> {
  const dir = tempDir();
  const embedder = await testEmbedder('lexical');
  const store = openTestStore(dir.path);
  const { records } = await readSource(SAMPLE_FILE, { capturedYear: 2025 });
  await ingestRecords(records, store, embedder);
  // The server's request path, time slicing included (the default PAPERSEEK_SLICE_MS).
  const slicer = new TimeSlicer(10);
  const { server, base } = await listen(new SearchService(store, { embedder }, options, slicer), slicer);
  const request = async (path: string, init?: RequestInit) => {
    const response = await fetch(base + path, init);
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  return {
    server,
    base,
    store,
    embedder,
    get: request,
    post: (path, body) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    async close() {
      server.close();
      store.close();
      await embedder.dispose();
      dir.remove();
    },
  };
}
