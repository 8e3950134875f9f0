// The product's embedder: transformers.js (onnxruntime-node) running a Hub model id or a local
// model folder. The tokenizer and model are called directly, with our own pooling, so there is
// one model call per length-sorted batch and no pipeline overhead. Single queries that arrive
// while a model call is running are coalesced into one batch for the next call (see embedQuery).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { AppError, messageOf } from '../errors.ts';
import { lengthSortedBatches } from './batching.ts';
import type { Embedder, EmbeddingSpec, TextKind } from './embedder.ts';
import { pool } from './pooling.ts';

export interface TransformersEmbedderOptions extends EmbeddingSpec {
  /** Folder holding `<model>/config.json, tokenizer.json, onnx/…`; when set, nothing is fetched. */
  modelDir?: string;
  /** Where Hub downloads are cached (transformers.js default when unset). */
  cacheDir?: string;
  batchSize: number;
  /** onnxruntime intra-op threads; undefined lets onnxruntime decide. */
  threads?: number;
  /**
   * Whether onnxruntime's intra-op threads busy-wait for work between calls (onnxruntime's
   * default: yes). Turning it off frees the CPU for the HTTP event loop between queries.
   */
  spinning?: boolean;
  /** Coalesce concurrent single-query calls into one model call (default true). */
  coalesceQueries?: boolean;
  /** Called after every model call with the time each step took (benchmarks: scripts/bench/ingest-worker.ts). */
  onBatch?: (timing: BatchTiming) => void;
}

/** One model call of the embedder, step by step, in milliseconds. */
export interface BatchTiming {
  texts: number;
  /** Padded sequence length of the batch. */
  tokens: number;
  tokenizeMs: number;
  modelMs: number;
  poolMs: number;
}

interface QueuedQuery {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

// BERT-family position tables end at 512; some tokenizers report an "unlimited" model_max_length.
const FALLBACK_MAX_TOKENS = 512;

export class TransformersEmbedder implements Embedder {
  private readonly queries: QueuedQuery[] = [];
  private draining = false;

  private constructor(
    readonly spec: EmbeddingSpec,
    readonly dims: number,
    readonly maxTokens: number,
    private readonly batchSize: number,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    private readonly coalesceQueries: boolean,
    private readonly onBatch: ((timing: BatchTiming) => void) | undefined,
  ) {}

  static async create(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    const source = resolveModelSource(options);
    if (source.local) checkModelFolder(options, source);
    // transformers.js keeps these in a process-wide object; set them right before loading.
    env.allowLocalModels = source.local;
    env.allowRemoteModels = !source.local;
    if (source.local) env.localModelPath = source.dir;
    if (options.cacheDir) env.cacheDir = options.cacheDir;
    try {
      const tokenizer = await AutoTokenizer.from_pretrained(source.name);
      const model = await AutoModel.from_pretrained(source.name, {
        dtype: options.dtype as 'q8',
        device: 'cpu',
        session_options: {
          ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
          ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
        },
      });
      const config = model.config as unknown as { hidden_size?: number; max_position_embeddings?: number };
      if (!config.hidden_size) throw new Error('config.json has no hidden_size');
      const maxTokens = Math.min(Number(tokenizer.model_max_length) || FALLBACK_MAX_TOKENS, config.max_position_embeddings ?? FALLBACK_MAX_TOKENS);
      const { modelDir: _dir, cacheDir: _cache, batchSize, threads: _threads, spinning: _spinning, coalesceQueries, onBatch, ...spec } = options;
      return new TransformersEmbedder(spec, config.hidden_size, maxTokens, batchSize, tokenizer, model, coalesceQueries ?? true, onBatch);
    } catch (error) {
      throw modelUnavailable(options, source, error);
    }
  }

  async embed(texts: string[], kind: TextKind, onProgress?: (done: number) => void): Promise<Float32Array[]> {
    if (this.coalesceQueries && kind === 'query' && texts.length === 1 && !onProgress) return [await this.embedQuery(texts[0]!)];
    const prefix = kind === 'query' ? this.spec.queryPrefix : this.spec.passagePrefix;
    const vectors = new Array<Float32Array>(texts.length);
    let done = 0;
    for (const batch of lengthSortedBatches(texts, this.batchSize)) {
      const pooled = await this.embedBatch(batch.map((index) => prefix + texts[index]));
      batch.forEach((textIndex, row) => (vectors[textIndex] = pooled[row]!));
      done += batch.length;
      onProgress?.(done);
    }
    return vectors;
  }

  /**
   * One query, batched with the queries that arrive while a model call runs. onnxruntime's run
   * blocks the event loop, so under concurrent load requests pile up during each call; one call
   * for all of them costs far less than one call each (short queries leave the model's matrix
   * kernels mostly idle). A lone query goes straight through after one setImmediate tick.
   */
  private embedQuery(text: string): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queries.push({ text, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drainQueries());
      }
    });
  }

  private async drainQueries(): Promise<void> {
    try {
      while (this.queries.length > 0) {
        const waiting = this.queries.splice(0, this.queries.length);
        const texts = waiting.map((query) => this.spec.queryPrefix + query.text);
        for (const batch of lengthSortedBatches(texts, this.batchSize)) {
          try {
            const pooled = await this.embedBatch(batch.map((index) => texts[index]!));
            batch.forEach((index, row) => waiting[index]!.resolve(pooled[row]!));
          } catch (error) {
            for (const index of batch) waiting[index]!.reject(error);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const started = performance.now();
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.maxTokens });
    const tokenized = performance.now();
    const output = (await this.model(inputs)) as { last_hidden_state?: Tensor };
    const modelled = performance.now();
    const states = output.last_hidden_state;
    if (!states) throw new Error(`model ${this.spec.model} returned no last_hidden_state`);
    const [batch, seq, hidden] = states.dims as [number, number, number];
    const mask = (inputs as { attention_mask: Tensor }).attention_mask.data as BigInt64Array;
    const vectors = pool({ data: states.data as Float32Array, batch, seq, hidden }, mask, this.spec.pooling, this.spec.normalize);
    this.onBatch?.({ texts: texts.length, tokens: seq, tokenizeMs: tokenized - started, modelMs: modelled - tokenized, poolMs: performance.now() - modelled });
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

interface ModelSource {
  local: boolean;
  /** Folder that contains the model folder (local only). */
  dir: string;
  /** Name transformers.js resolves: a Hub id or a folder name under `dir`. */
  name: string;
}

/** A model is local when PAPERSEEK_MODEL_DIR is set, or when the model setting is itself a folder. */
function resolveModelSource(options: TransformersEmbedderOptions): ModelSource {
  if (options.modelDir) return { local: true, dir: path.resolve(options.modelDir), name: options.model };
  const asPath = path.resolve(options.model);
  if (existsSync(path.join(asPath, 'config.json'))) {
    return { local: true, dir: path.dirname(asPath), name: path.basename(asPath) };
  }
  return { local: false, dir: '', name: options.model };
}

/**
 * A local model whose folder is missing fails inside transformers.js with a TypeError about
 * `tokenizer_class`; say instead which folder is missing and which models are there.
 */
function checkModelFolder(options: TransformersEmbedderOptions, source: ModelSource): void {
  const folder = path.join(source.dir, source.name);
  if (existsSync(folder)) return;
  let found: string[] | undefined;
  try {
    found = readdirSync(source.dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(source.dir, entry.name, 'config.json')))
      .map((entry) => entry.name)
      .sort();
  } catch {
    found = undefined; // the model dir itself is missing
  }
  const there =
    found === undefined
      ? `${source.dir} does not exist either. Set PAPERSEEK_MODEL_DIR to the folder that holds your model folders`
      : found.length === 0
        ? `${source.dir} holds no model folders (a folder with config.json)`
        : `found: ${found.join(', ')}. Set PAPERSEEK_MODEL to one of them`;
  throw new AppError(
    'MODEL_UNAVAILABLE',
    `Embedding model "${options.model}": no model folder ${folder}; ${there} ` +
      `(a test model can be generated with \`npm run test-model -- lexical <dir>\`).`,
    { model: options.model, dtype: options.dtype, looked_in: folder, found: found ?? [] },
  );
}

function modelUnavailable(options: TransformersEmbedderOptions, source: ModelSource, cause: unknown): AppError {
  const weights = options.dtype === 'fp32' ? 'model.onnx' : `model_${options.dtype === 'q8' ? 'quantized' : options.dtype}.onnx`;
  const where = source.local ? `the local folder ${path.join(source.dir, source.name)}` : `the Hugging Face Hub (download cache: ${env.cacheDir ?? 'none'})`;
  const fix = source.local
    ? `Check that this folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/${weights}` +
      ` (a test model can be generated with \`npm run test-model -- lexical <dir>\`).`
    : `If this machine is offline, download the model elsewhere, copy it to <dir>/${options.model}/` +
      ` (config.json, tokenizer.json, onnx/${weights}) and set PAPERSEEK_MODEL_DIR=<dir>.`;
  return new AppError(
    'MODEL_UNAVAILABLE',
    `Embedding model "${options.model}" (dtype ${options.dtype}) could not be loaded from ${where}: ${messageOf(cause)}. ${fix}`,
    { model: options.model, dtype: options.dtype, looked_in: source.local ? path.join(source.dir, source.name) : 'huggingface-hub' },
    { cause },
  );
}
