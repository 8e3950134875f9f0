// One paper with a 1 MB abstract (an index written before ingest bounded abstracts could hold one)
// used to freeze the server: FTS5 highlighting over it took 90–160 s on the event loop, /health timed
// out meanwhile. Highlights now come from bounded text; the server stays responsive.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { paperRecord } from '../support/fixtures.ts';

let server: SampleServer;
beforeAll(async () => {
  server = await startSampleServer();
  const words = ['diffusion', 'models', 'learning', 'of', 'the', 'latent', 'images'];
  let abstract = '';
  for (let i = 0; abstract.length < 1_000_000; i++) abstract += `${words[(i * 5) % words.length]} `;
  const record = paperRecord('full-text', 'A full text filed as an abstract', abstract);
  server.store.write([{ record, hashes: { content: 'x', record: 'x' }, vector: null }]);
});
afterAll(() => server.close());

it('answers a keyword search that matches it quickly, and /health while it runs', async () => {
  const started = performance.now();
  const search = server.get('/search?q=diffusion%20models%20learning&mode=keyword&k=10');
  const healthStarted = performance.now();
  const health = await server.get('/health');
  const healthMs = performance.now() - healthStarted;
  const result = await search;
  const searchMs = performance.now() - started;
  expect(result.status).toBe(200);
  const hit = result.body.results.find((r: { id: string }) => r.id === 'full-text');
  expect(hit.highlights.abstract).toContain('<mark>learning</mark>');
  expect(health.status).toBe(200);
  // Before: minutes for the search and a /health that timed out. Generous bounds for a shared machine.
  expect(searchMs).toBeLessThan(1000);
  expect(healthMs).toBeLessThan(500);
});
