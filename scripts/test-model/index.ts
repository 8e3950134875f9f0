// writeTestModel(kind, outDir): generates a deterministic, offline BERT-style test model folder
// (config, tokenizer, onnx/model.onnx + onnx/model_quantized.onnx) loadable by transformers.js.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBertModel } from './bert-graph.ts';
import { randomBertWeights } from './bert-weights.ts';
import type { BertShape } from './bert-weights.ts';
import { configJson, tokenizerConfigJson, tokenizerJson } from './hf-files.ts';
import { buildLexicalModel, lexicalTables } from './lexical-graph.ts';
import { VOCAB_SIZE, loadVocab } from './vocab.ts';

/** Recorded in config.json and the ONNX producer_version (cache invalidation uses a source hash). */
export const GENERATOR_VERSION = '2';
export const TEST_MODEL_KINDS = ['lexical', 'tiny', 'minilm'] as const;
export type TestModelKind = (typeof TEST_MODEL_KINDS)[number];
export const MARKER_FILE = '.paperseek-test-model.json';
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

export const TEST_MODEL_SEED = 0x5eed;
/** 768 rather than 384: random-projection cross-talk between pieces has std ≈ 1/√dim. */
const LEXICAL_DIM = 768;
const bert = (hidden: number, layers: number, heads: number, intermediate: number): BertShape => ({
  vocabSize: VOCAB_SIZE,
  hidden,
  layers,
  heads,
  intermediate,
  maxPositions: 512,
  typeVocabSize: 2,
});
export const TEST_MODEL_SHAPES: Record<TestModelKind, BertShape> = {
  lexical: bert(LEXICAL_DIM, 0, 1, 0),
  tiny: bert(128, 2, 2, 512),
  minilm: bert(384, 6, 12, 1536),
};
const DESCRIPTIONS: Record<TestModelKind, string> = {
  lexical: 'Lookup-only: IDF- and log-TF-weighted random vector per word piece; mean pooling ≈ TF-IDF cosine.',
  tiny: 'Random-weight 2-layer BERT encoder (hidden 128) for fast pipeline tests.',
  minilm: 'Random-weight BERT with all-MiniLM-L6-v2 shapes, for speed benchmarks only.',
};

export function isTestModelKind(value: string): value is TestModelKind {
  return (TEST_MODEL_KINDS as readonly string[]).includes(value);
}

/** The marker fingerprints this generator's sources and vocabulary, so any edit regenerates. */
function markerContent(kind: TestModelKind): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const file of readdirSync(here)
    .filter((f) => /\.(ts|txt)$/.test(f))
    .sort())
    hash.update(file).update(readFileSync(join(here, file)));
  const source = hash.digest('hex').slice(0, 16);
  return `${JSON.stringify({ generator: GENERATOR_VERSION, kind, source }, null, 2)}\n`;
}

function isCurrent(dir: string, marker: string): boolean {
  const markerPath = join(dir, MARKER_FILE);
  return existsSync(markerPath) && readFileSync(markerPath, 'utf8') === marker && MODEL_FILES.every((f) => existsSync(join(dir, f)));
}

function generate(kind: TestModelKind, dir: string): void {
  const vocab = loadVocab();
  const shape = TEST_MODEL_SHAPES[kind];
  const json = (name: string, value: object): void => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  json('config.json', configJson({ kind, generatorVersion: GENERATOR_VERSION, shape, description: DESCRIPTIONS[kind] }));
  json('tokenizer.json', tokenizerJson(vocab));
  json('tokenizer_config.json', tokenizerConfigJson());
  if (kind === 'lexical') {
    const tables = lexicalTables(vocab, shape.hidden, TEST_MODEL_SEED);
    writeFileSync(join(dir, 'onnx/model.onnx'), buildLexicalModel(tables, false, GENERATOR_VERSION));
    writeFileSync(join(dir, 'onnx/model_quantized.onnx'), buildLexicalModel(tables, true, GENERATOR_VERSION));
  } else {
    const weights = randomBertWeights(shape, TEST_MODEL_SEED);
    writeFileSync(join(dir, 'onnx/model.onnx'), buildBertModel(shape, weights, false, GENERATOR_VERSION));
    writeFileSync(join(dir, 'onnx/model_quantized.onnx'), buildBertModel(shape, weights, true, GENERATOR_VERSION));
  }
}

export interface WriteOptions {
  /** Regenerate even when the folder already holds current output. */
  force?: boolean;
}

/**
 * Writes `<outDir>/<kind>/` and returns that folder. Skips work when the folder's marker matches
 * this generator's sources and vocabulary; otherwise builds into a temporary sibling and renames
 * it into place, so concurrent callers never observe a half-written folder.
 */
export async function writeTestModel(kind: TestModelKind, outDir: string, options: WriteOptions = {}): Promise<string> {
  const dir = join(outDir, kind);
  const marker = markerContent(kind);
  if (!options.force && isCurrent(dir, marker)) return dir;
  mkdirSync(outDir, { recursive: true });
  const tmp = join(outDir, `.${kind}.tmp-${process.pid}-${Date.now()}`);
  try {
    generate(kind, tmp);
    writeFileSync(join(tmp, MARKER_FILE), marker);
    if (existsSync(dir) && (options.force || !isCurrent(dir, marker))) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!isCurrent(dir, marker)) throw err; // another process finished the same output first
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
