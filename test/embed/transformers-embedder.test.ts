// The product embedder on generated models: order-preserving batching, prefixes, dtypes, and
// an actionable error when a model cannot be loaded.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Embedder } from '../../src/embed/embedder.ts';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder.ts';
import { AppError } from '../../src/errors.ts';
import { testEmbedder } from '../support/fixtures.ts';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

const texts = [
  'Disentanglement in diffusion models for controllable image generation.',
  'Short.',
  'Quantization noise in neural architecture search for super resolution, with entropy regularization and a long tail of words to pad the sentence out.',
  'Graph variational autoencoders for multimodal recommendation.',
  'Source-free domain adaptation through the lens of data augmentation.',
];

let lexical: Embedder;
beforeAll(async () => {
  lexical = await testEmbedder('lexical');
});
afterAll(() => lexical.dispose());

describe('TransformersEmbedder', () => {
  it('reports the model dims and a token limit', () => {
    expect(lexical.dims).toBeGreaterThan(0);
    expect(lexical.maxTokens).toBeGreaterThan(0);
    expect(lexical.maxTokens).toBeLessThanOrEqual(512);
  });

  it('returns unit vectors in input order whatever the batching', async () => {
    const batched = await lexical.embed(texts, 'passage');
    const single = await Promise.all(texts.map(async (text) => (await lexical.embed([text], 'passage'))[0]!));
    expect(batched).toHaveLength(texts.length);
    batched.forEach((vector, i) => {
      expect(vector).toHaveLength(lexical.dims);
      expect(cosine(vector, vector)).toBeCloseTo(1, 4);
      expect(cosine(vector, single[i]!)).toBeGreaterThan(0.999);
    });
  });

  it('coalesces concurrent single queries into batches without changing their vectors', async () => {
    const concurrent = await Promise.all(texts.map(async (text) => (await lexical.embed([text], 'query'))[0]!));
    for (const [i, text] of texts.entries()) {
      const [alone] = await lexical.embed([text], 'query');
      expect(cosine(concurrent[i]!, alone!)).toBeGreaterThan(0.9999);
    }
  });

  it('reports progress per batch up to the number of texts', async () => {
    const seen: number[] = [];
    await lexical.embed(texts, 'passage', (done) => seen.push(done));
    expect(seen.at(-1)).toBe(texts.length);
  });

  it('applies the query prefix to queries only', async () => {
    const prefixed = await testEmbedder('lexical', { queryPrefix: 'zymurgy xylophone: ' });
    const [asQuery] = await prefixed.embed([texts[0]!], 'query');
    const [asPassage] = await prefixed.embed([texts[0]!], 'passage');
    expect(cosine(asQuery!, asPassage!)).toBeLessThan(0.99);
    expect(cosine(asPassage!, (await lexical.embed([texts[0]!], 'passage'))[0]!)).toBeGreaterThan(0.999);
    await prefixed.dispose();
  });

  it('runs fp32 and q8 weights of the same model to nearly the same vectors', async () => {
    const fp32 = await testEmbedder('lexical', { dtype: 'fp32' });
    const [a] = await fp32.embed([texts[2]!], 'passage');
    const [b] = await lexical.embed([texts[2]!], 'passage');
    expect(cosine(a!, b!)).toBeGreaterThan(0.99);
    await fp32.dispose();
  });

  it('runs a real multi-layer BERT (tiny) end to end', async () => {
    const tiny = await testEmbedder('tiny');
    const vectors = await tiny.embed(texts, 'passage');
    expect(vectors.every((v) => v.length === tiny.dims && v.every(Number.isFinite))).toBe(true);
    await tiny.dispose();
  });

  it('names the model, where it looked and what to do when a model cannot be loaded', async () => {
    const modelsDir = inject('modelsDir');
    const attempt = TransformersEmbedder.create({
      model: 'no-such-model',
      modelDir: modelsDir,
      dtype: 'q8',
      pooling: 'mean',
      normalize: true,
      queryPrefix: '',
      passagePrefix: '',
      batchSize: 8,
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MODEL_UNAVAILABLE');
    expect((error as AppError).message).toContain('"no-such-model"');
    expect((error as AppError).message).toContain(path.join(modelsDir, 'no-such-model'));
    expect((error as AppError).message).toContain('npm run test-model');
  });

  // Regression (issue 14): a misspelt local model failed inside transformers.js with
  // "Cannot read properties of undefined (reading 'tokenizer_class')".
  it('names the missing model folder and the models that are there when the name is misspelt', async () => {
    const modelsDir = inject('modelsDir');
    const spec = { dtype: 'q8', pooling: 'mean' as const, normalize: true, queryPrefix: '', passagePrefix: '', batchSize: 8 };
    const error = (await TransformersEmbedder.create({ ...spec, model: 'lexcial', modelDir: modelsDir }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain(`no model folder ${path.join(modelsDir, 'lexcial')}; found: `);
    expect(error.message).toMatch(/; found: [^.]*\blexical\b/);
    expect(error.message).toContain('tiny');
    expect(error.message).toContain('Set PAPERSEEK_MODEL to one of them');
    expect(error.message).not.toContain('tokenizer_class');
    expect(error.message).not.toContain('\n');
    const noDir = (await TransformersEmbedder.create({ ...spec, model: 'lexical', modelDir: path.join(modelsDir, 'no-such-dir') }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(noDir.message).toContain('does not exist either. Set PAPERSEEK_MODEL_DIR');
  });
});
