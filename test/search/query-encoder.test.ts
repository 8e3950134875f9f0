import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embed/embedder.ts';
import { QueryEncoder } from '../../src/search/query-encoder.ts';
import { CountingEmbedder } from '../support/counting-embedder.ts';
import { testEmbedder } from '../support/fixtures.ts';

describe('QueryEncoder', () => {
  let model: Embedder;
  beforeAll(async () => {
    model = await testEmbedder('lexical');
  });
  afterAll(() => model.dispose());

  it('embeds a query once, then answers repeats (normalised) from its cache', async () => {
    const counting = new CountingEmbedder(model);
    const encoder = new QueryEncoder(counting, 10);
    const first = await encoder.encode('latent  diffusion ');
    const again = await encoder.encode('latent diffusion');
    expect(again).toBe(first);
    expect(counting.embedded).toBe(1);
    expect(encoder.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it('goes through the pacer after each model call, not for cached or shared results', async () => {
    const counting = new CountingEmbedder(model);
    let admitted = 0;
    const encoder = new QueryEncoder(counting, 10, { resume: async () => void admitted++ });
    await Promise.all([encoder.encode('video generation'), encoder.encode('video generation'), encoder.encode('style transfer')]);
    expect(counting.embedded).toBe(2);
    expect(admitted).toBe(2);
    await encoder.encode('video generation');
    expect(admitted).toBe(2);
  });

  it('forgets a failed model call so the next request tries again', async () => {
    let calls = 0;
    const flaky: Embedder = {
      spec: model.spec,
      dims: model.dims,
      maxTokens: model.maxTokens,
      embed: (texts, kind) => (++calls === 1 ? Promise.reject(new Error('model crashed')) : model.embed(texts, kind)),
      dispose: async () => {},
    };
    const encoder = new QueryEncoder(flaky, 10);
    await expect(encoder.encode('mode collapse')).rejects.toThrow('model crashed');
    const vector = await encoder.encode('mode collapse');
    expect(vector).toHaveLength(model.dims);
    expect(calls).toBe(2);
  });
});
