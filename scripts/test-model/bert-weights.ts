// Shapes and seeded random weights for the BERT encoders (tiny, minilm), named like the
// HuggingFace BertModel state dict; Linear weights are stored transposed, as [in, out].
import { normalArray } from './prng.ts';

export interface BertShape {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  typeVocabSize: number;
}

export type BertWeights = ReadonlyMap<string, Float32Array>;

const INIT_STD = 0.02;

/** Every parameter tensor of the encoder, in a fixed order, with its dims. */
export function bertParameterShapes(s: BertShape): [string, number[]][] {
  const out: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [s.vocabSize, s.hidden]],
    ['embeddings.position_embeddings.weight', [s.maxPositions, s.hidden]],
    ['embeddings.token_type_embeddings.weight', [s.typeVocabSize, s.hidden]],
    ['embeddings.LayerNorm.weight', [s.hidden]],
    ['embeddings.LayerNorm.bias', [s.hidden]],
  ];
  for (let i = 0; i < s.layers; i++) {
    const p = `encoder.layer.${i}`;
    for (const name of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      out.push([`${p}.${name}.weight`, [s.hidden, s.hidden]], [`${p}.${name}.bias`, [s.hidden]]);
    }
    out.push(
      [`${p}.attention.output.LayerNorm.weight`, [s.hidden]],
      [`${p}.attention.output.LayerNorm.bias`, [s.hidden]],
      [`${p}.intermediate.dense.weight`, [s.hidden, s.intermediate]],
      [`${p}.intermediate.dense.bias`, [s.intermediate]],
      [`${p}.output.dense.weight`, [s.intermediate, s.hidden]],
      [`${p}.output.dense.bias`, [s.hidden]],
      [`${p}.output.LayerNorm.weight`, [s.hidden]],
      [`${p}.output.LayerNorm.bias`, [s.hidden]],
    );
  }
  return out;
}

/** N(0, 0.02²) for matrices and biases, N(1, 0.02²) for LayerNorm gains; one stream per tensor. */
export function randomBertWeights(shape: BertShape, seed: number): BertWeights {
  const weights = new Map<string, Float32Array>();
  for (const [name, dims] of bertParameterShapes(shape)) {
    const count = dims.reduce((a, b) => a * b, 1);
    const mean = name.endsWith('LayerNorm.weight') ? 1 : 0;
    weights.set(name, normalArray(seed, name, count, INIT_STD, mean));
  }
  return weights;
}
