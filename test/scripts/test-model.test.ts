// Generated test models (scripts/test-model) load and run through transformers.js like the
// product's embedding path; the lexical model ranks by shared word pieces; output is deterministic.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preTokenize, wordPiece } from '../../scripts/test-model/bert-text.ts';
import { TEST_MODEL_SEED, TEST_MODEL_SHAPES, writeTestModel } from '../../scripts/test-model/index.ts';
import { lexicalTables } from '../../scripts/test-model/lexical-graph.ts';
import type { TestModelKind } from '../../scripts/test-model/index.ts';
import { loadVocab } from '../../scripts/test-model/vocab.ts';

const KINDS = ['lexical', 'tiny'] as const satisfies readonly TestModelKind[];
const DTYPES = ['q8', 'fp32'] as const;
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'paperseek-test-model-'));
  for (const kind of KINDS) await writeTestModel(kind, outDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = outDir;
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function load(kind: TestModelKind, dtype: (typeof DTYPES)[number]): Promise<[PreTrainedTokenizer, PreTrainedModel]> {
  return [await AutoTokenizer.from_pretrained(kind), await AutoModel.from_pretrained(kind, { dtype })];
}

/** Mean pooling over the attention mask, then L2 normalisation (the product's sentence embedding). */
async function embed(kind: TestModelKind, dtype: (typeof DTYPES)[number], texts: string[]): Promise<Float32Array[]> {
  const [tokenizer, model] = await load(kind, dtype);
  const inputs = tokenizer(texts, { padding: true, truncation: true });
  const { last_hidden_state: hidden } = (await model(inputs)) as { last_hidden_state: Tensor };
  const [batch = 0, seq = 0, dim = 0] = hidden.dims;
  const data = hidden.data as Float32Array;
  const mask = (inputs.attention_mask as Tensor).data as BigInt64Array;
  return Array.from({ length: batch }, (_, b) => {
    const v = new Float32Array(dim);
    for (let s = 0; s < seq; s++) {
      if (mask[b * seq + s] === 0n) continue;
      for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) + (data[(b * seq + s) * dim + d] ?? 0);
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  });
}

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe.each(KINDS)('%s test model', (kind) => {
  it.each(DTYPES)(
    'loads and runs through transformers.js with dtype %s',
    async (dtype) => {
      const [tokenizer, model] = await load(kind, dtype);
      const inputs = tokenizer(['Disentanglement in diffusion models.', 'A longer second text about quantization noise in image super resolution networks.'], {
        padding: true,
        truncation: true,
      });
      const seq = (inputs.input_ids as Tensor).dims[1];
      const { last_hidden_state: hidden } = (await model(inputs)) as { last_hidden_state: Tensor };
      expect(hidden.dims).toEqual([2, seq, TEST_MODEL_SHAPES[kind].hidden]);
      expect((hidden.data as Float32Array).every(Number.isFinite)).toBe(true);
    },
    60_000,
  );

  it('truncates long input to 512 tokens', async () => {
    const [tokenizer, model] = await load(kind, 'q8');
    const inputs = tokenizer(['word '.repeat(600), 'short'], { padding: true, truncation: true });
    const { last_hidden_state: hidden } = (await model(inputs)) as { last_hidden_state: Tensor };
    expect(hidden.dims).toEqual([2, 512, TEST_MODEL_SHAPES[kind].hidden]);
  }, 60_000);
});

describe('lexical test model', () => {
  const query = 'disentanglement in diffusion models';
  const related = 'We study disentanglement of latent factors learned by diffusion models for image generation.';
  const unrelated = 'Quantization noise in super resolution networks.';

  it.each(DTYPES)(
    'ranks by shared word pieces (%s)',
    async (dtype) => {
      const [q, rel, unrel] = await embed('lexical', dtype, [query, related, unrelated]);
      expect(cosine(q!, rel!)).toBeGreaterThan(cosine(q!, unrel!) + 0.3);
      const [a, b] = await embed('lexical', dtype, ['gene expression in tumour cells', 'quantization of transformers']);
      expect(Math.abs(cosine(a!, b!))).toBeLessThan(0.2);
    },
    60_000,
  );

  it('pools to the sum of (1 + ln tf) · idf · direction over distinct pieces', async () => {
    const [tokenizer, model] = await load('lexical', 'fp32');
    const inputs = tokenizer(['diffusion diffusion models of diffusion, diffusion', 'short'], { padding: true, truncation: true });
    const { last_hidden_state: hidden } = (await model(inputs)) as { last_hidden_state: Tensor };
    const [, seq = 0, dim = 0] = hidden.dims;
    const data = hidden.data as Float32Array;
    const ids = Array.from((inputs.input_ids as Tensor).data as BigInt64Array, Number).slice(0, seq);
    const got = new Float64Array(dim);
    for (let s = 0; s < seq; s++) for (let d = 0; d < dim; d++) got[d] = (got[d] ?? 0) + (data[s * dim + d] ?? 0);
    const { directions, weights } = lexicalTables(loadVocab(), dim, TEST_MODEL_SEED);
    const tf = new Map<number, number>();
    for (const id of ids) tf.set(id, (tf.get(id) ?? 0) + 1);
    expect(tf.get(ids[1]!)).toBe(4); // "diffusion"
    const expected = new Float64Array(dim);
    for (const [id, n] of tf) {
      for (let d = 0; d < dim; d++) expected[d] = (expected[d] ?? 0) + (1 + Math.log(n)) * (weights[id] ?? 0) * (directions[id * dim + d] ?? 0);
    }
    got.forEach((v, d) => expect(v).toBeCloseTo(expected[d] ?? 0, 4));
  }, 60_000);

  it('q8 output is close to fp32', async () => {
    const texts = [query, related, unrelated, 'Microstructural development of human newborn cerebral white matter.'];
    const [fp32, q8] = [await embed('lexical', 'fp32', texts), await embed('lexical', 'q8', texts)];
    fp32.forEach((v, i) => expect(cosine(v, q8[i]!)).toBeGreaterThan(0.99));
  }, 60_000);
});

describe('generation', () => {
  it('is deterministic and skips regeneration when current', async () => {
    const again = mkdtempSync(join(tmpdir(), 'paperseek-test-model-'));
    try {
      for (const kind of KINDS) {
        const dir = await writeTestModel(kind, again);
        for (const file of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'config.json']) {
          expect(readFileSync(join(dir, file)).equals(readFileSync(join(outDir, kind, file))), `${kind}/${file}`).toBe(true);
        }
      }
      const before = statSync(join(again, 'tiny/onnx/model.onnx')).mtimeMs;
      await writeTestModel('tiny', again);
      expect(statSync(join(again, 'tiny/onnx/model.onnx')).mtimeMs).toBe(before);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 120_000);

  it('build-vocab tokenisation matches the runtime tokenizer', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained('tiny');
    const vocab = loadVocab();
    const ids = new Map(vocab.tokens.map((t, i) => [t, i] as const));
    const text = readFileSync(new URL('../../data/sample/000_15e46c23e16ff53f.txt', import.meta.url), 'utf8').slice(0, 20_000);
    const expected = preTokenize(text).flatMap((w) => (wordPiece(w, ids) ?? ['[UNK]']).map((p) => ids.get(p)));
    expect(tokenizer.encode(text, { add_special_tokens: false })).toEqual(expected);
  }, 60_000);
});
