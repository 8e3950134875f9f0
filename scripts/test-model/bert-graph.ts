// The BERT encoder graph shared by `tiny` and `minilm`, laid out like a torch.onnx export of
// BertModel (eager attention, Erf GELU, LayerNormalization), in fp32 or dynamic-int8 form.
import { GraphBuilder, ONNX_FLOAT } from './onnx-graph.ts';
import type { BertShape, BertWeights } from './bert-weights.ts';
import { DynamicQuantWeightOps, Fp32WeightOps } from './weight-ops.ts';
import type { WeightOps } from './weight-ops.ts';

const FLOAT32_LOWEST = -3.4028234663852886e38;
const LN_EPS = 1e-12;

export function buildBertModel(shape: BertShape, weights: BertWeights, quantized: boolean, version: string): Uint8Array {
  const g = new GraphBuilder('bert');
  const ops: WeightOps = quantized ? new DynamicQuantWeightOps(g) : new Fp32WeightOps(g);
  const w = (name: string): Float32Array => {
    const t = weights.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    return t;
  };
  const param = (name: string): string => g.initializer(name, 'float32', [w(name).length], w(name));
  const layerNorm = (x: string, name: string): string =>
    g.op('LayerNormalization', [x, param(`${name}.weight`), param(`${name}.bias`)], { axis: -1, epsilon: { float: LN_EPS } });
  const linear = (x: string, name: string, k: number, n: number): string =>
    g.op('Add', [param(`${name}.bias`), ops.matmul(x, `${name}.weight`, w(`${name}.weight`), k, n)]);

  const dims = ['batch_size', 'sequence_length'];
  const inputIds = g.input('input_ids', 'int64', dims);
  const attentionMask = g.input('attention_mask', 'int64', dims);
  const tokenTypeIds = g.input('token_type_ids', 'int64', dims);
  const { hidden: H, heads, intermediate: I } = shape;
  const headDim = H / heads;

  // Embeddings: word + token_type + position, then LayerNorm.
  g.prefix = '/embeddings';
  const word = ops.gather('embeddings.word_embeddings.weight', w('embeddings.word_embeddings.weight'), shape.vocabSize, H, inputIds);
  const type = ops.gather('embeddings.token_type_embeddings.weight', w('embeddings.token_type_embeddings.weight'), shape.typeVocabSize, H, tokenTypeIds);
  const seqLen = g.op('Gather', [g.op('Shape', [inputIds]), g.int64('/embeddings/seq_axis', [1], [])], { axis: 0 });
  const range = g.op('Range', [g.int64('/embeddings/zero', [0], []), seqLen, g.int64('/embeddings/one', [1], [])]);
  const positionIds = g.op('Unsqueeze', [range, g.int64('/embeddings/batch_axis', [0])]);
  const position = ops.gather('embeddings.position_embeddings.weight', w('embeddings.position_embeddings.weight'), shape.maxPositions, H, positionIds);
  let x = layerNorm(g.op('Add', [g.op('Add', [word, type]), position]), 'embeddings.LayerNorm');

  // Extended attention mask: (1 - mask) * lowest, shaped [batch, 1, 1, seq].
  g.prefix = '';
  const mask4 = g.op('Cast', [g.op('Unsqueeze', [attentionMask, g.int64('/mask_axes', [1, 2])])], { to: ONNX_FLOAT });
  const maskAdd = g.op('Mul', [g.op('Sub', [g.float('/one_f', 1), mask4]), g.float('/lowest_f', FLOAT32_LOWEST)]);

  const headsShape = g.int64('/heads_shape', [0, 0, heads, headDim]);
  const mergedShape = g.int64('/merged_shape', [0, 0, H]);
  const scoreScale = g.float('/score_scale', Math.sqrt(headDim));
  const sqrt2 = g.float('/gelu_sqrt2', Math.SQRT2);
  const one = g.float('/gelu_one', 1);
  const half = g.float('/gelu_half', 0.5);

  for (let i = 0; i < shape.layers; i++) {
    const p = `encoder.layer.${i}`;
    g.prefix = `/encoder/layer.${i}/attention`;
    const split = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, headsShape])], { perm });
    const q = split(linear(x, `${p}.attention.self.query`, H, H), [0, 2, 1, 3]);
    const k = split(linear(x, `${p}.attention.self.key`, H, H), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}.attention.self.value`, H, H), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), scoreScale]), maskAdd]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
    const attnOut = linear(g.op('Reshape', [context, mergedShape]), `${p}.attention.output.dense`, H, H);
    x = layerNorm(g.op('Add', [attnOut, x]), `${p}.attention.output.LayerNorm`);

    g.prefix = `/encoder/layer.${i}/ffn`;
    const h = linear(x, `${p}.intermediate.dense`, H, I);
    const erf = g.op('Erf', [g.op('Div', [h, sqrt2])]);
    const gelu = g.op('Mul', [g.op('Mul', [h, g.op('Add', [erf, one])]), half]);
    const out = linear(gelu, `${p}.output.dense`, I, H);
    x = layerNorm(g.op('Add', [out, x]), `${p}.output.LayerNorm`);
  }

  g.finish(x, 'last_hidden_state', 'float32', [...dims, H]);
  return g.serialize({ '': 17 }, version);
}
