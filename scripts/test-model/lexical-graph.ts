// The `lexical` model: each word piece maps to a fixed pseudo-random unit vector scaled by its
// smoothed IDF and sublinear TF, so mean-pooled, L2-normalised outputs approximate TF-IDF cosine.
import { GraphBuilder, ONNX_FLOAT } from './onnx-graph.ts';
import { normalArray } from './prng.ts';
import { quantizePerTensor } from './quantize.ts';
import type { Vocab } from './vocab.ts';

/** Ids 0–103 are [PAD], [unusedN], [UNK], [CLS], [SEP], [MASK]; all but [UNK] embed to zero. */
const FIRST_CONTENT_ID = 104;
const UNK_ID = 100;

/** sklearn's smooth IDF, ln((1 + N) / (1 + df)) + 1; zero for [PAD]/[CLS]/[SEP]/[MASK]/[unused]. */
export function tokenWeights(vocab: Vocab): Float32Array {
  return Float32Array.from(vocab.df, (df, id) => (id >= FIRST_CONTENT_ID || id === UNK_ID ? Math.log((1 + vocab.documents) / (1 + df)) + 1 : 0));
}

/** Row-major [vocab, dim] unit vectors (one independent random direction per token). */
export function tokenDirections(vocabSize: number, dim: number, seed: number): Float32Array {
  const table = normalArray(seed, 'lexical.directions', vocabSize * dim, 1);
  for (let r = 0; r < vocabSize; r++) {
    const row = table.subarray(r * dim, (r + 1) * dim);
    let norm = 0;
    for (const v of row) norm += v * v;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dim; i++) row[i] = (row[i] ?? 0) * inv;
  }
  return table;
}

export interface LexicalTables {
  dim: number;
  /** Row-major [vocab, dim] unit directions. */
  directions: Float32Array;
  /** Per-token IDF weight, [vocab]. */
  weights: Float32Array;
}

export function lexicalTables(vocab: Vocab, dim: number, seed: number): LexicalTables {
  return { dim, directions: tokenDirections(vocab.tokens.length, dim, seed), weights: tokenWeights(vocab) };
}

/**
 * fp32: Gather(directions · weight). q8: Gather(int8 directions) → DequantizeLinear (per-tensor)
 * → Mul by the gathered per-row weight. Each position is then scaled by (1 + ln tf) / tf, where
 * tf counts that id among the unmasked positions of its sequence, so mean pooling sums
 * (1 + ln tf)·idf·direction over distinct pieces (sklearn's sublinear_tf); padding is zeroed by
 * the attention mask. token_type_ids is accepted but unused.
 */
export function buildLexicalModel(tables: LexicalTables, quantized: boolean, version: string): Uint8Array {
  const g = new GraphBuilder('lexical');
  const dims = ['batch_size', 'sequence_length'];
  const ids = g.input('input_ids', 'int64', dims);
  const mask = g.input('attention_mask', 'int64', dims);
  g.input('token_type_ids', 'int64', dims);
  const { directions, weights, dim } = tables;
  const V = weights.length;

  g.prefix = '/embeddings';
  let rows: string;
  if (quantized) {
    const q = quantizePerTensor(directions);
    const table = g.initializer('embeddings.directions_quantized', 'int8', [V, dim], q.data);
    const scale = g.initializer('embeddings.directions_scale', 'float32', [], q.scale);
    const zero = g.initializer('embeddings.directions_zero_point', 'int8', [], q.zeroPoint);
    const unit = g.op('DequantizeLinear', [g.op('Gather', [table, ids]), scale, zero]);
    const weight = g.op('Gather', [g.initializer('embeddings.token_weights', 'float32', [V, 1], weights), ids]);
    rows = g.op('Mul', [unit, weight]);
  } else {
    const table = new Float32Array(directions.length);
    for (let i = 0; i < table.length; i++) table[i] = (directions[i] ?? 0) * (weights[Math.floor(i / dim)] ?? 0);
    rows = g.op('Gather', [g.initializer('embeddings.word_embeddings.weight', 'float32', [V, dim], table), ids]);
  }

  g.prefix = '/term_frequency';
  const maskF = g.op('Cast', [mask], { to: ONNX_FLOAT });
  const axis = (name: string, value: number): string => g.int64(`/term_frequency/${name}`, [value]);
  const [axis1, axis2] = [axis('axis1', 1), axis('axis2', 2)];
  const same = g.op('Cast', [g.op('Equal', [g.op('Unsqueeze', [ids, axis2]), g.op('Unsqueeze', [ids, axis1])])], { to: ONNX_FLOAT });
  const counted = g.op('Mul', [same, g.op('Unsqueeze', [maskF, axis1])]);
  const tf = g.op('Max', [g.op('ReduceSum', [counted, axis2], { keepdims: 1 }), g.float('/term_frequency/one', 1)]);
  const scale = g.op('Div', [g.op('Add', [g.op('Log', [tf]), g.float('/term_frequency/log_offset', 1)]), tf]);
  const positionScale = g.op('Mul', [scale, g.op('Unsqueeze', [maskF, axis2])]);
  g.finish(g.op('Mul', [rows, positionScale]), 'last_hidden_state', 'float32', [...dims, dim]);
  return g.serialize({ '': 17 }, version);
}
