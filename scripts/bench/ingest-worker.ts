// One ingest measurement in a fresh process (so peak RSS belongs to that measurement alone).
// argv[2] is a JSON IngestJob; prints one JSON line with the result on stdout.
//   raw      — (a) onnxruntime-node InferenceSession.run on pre-tokenized, length-sorted batches: the limit
//   embedder — (b) TransformersEmbedder.embed (src/embed): tokenizer + model + pooling
//   split    — (b) again, each step timed through the embedder's public timing hook (onBatch)
//   ingest   — (c) readSources + ingestRecords into a fresh PaperStore: parse, embed, SQLite, FTS, HNSW, save
//   paired   — (a), (b) and (c) in one process, interleaved chunk by chunk (rotating order), so a
//              noisy neighbour slows all three alike; the totals per variant give the ratios
import { rmSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { lengthSortedBatches } from '../../src/embed/batching.ts';
import { type BatchTiming, TransformersEmbedder } from '../../src/embed/transformers-embedder.ts';
import { ingestRecords } from '../../src/ingest/ingest.ts';
import { embeddingText } from '../../src/ingest/paper-text.ts';
import { readSources } from '../../src/sources/index.ts';
import { PaperStore } from '../../src/store/paper-store.ts';

export interface IngestJob {
  variant: 'raw' | 'embedder' | 'split' | 'ingest' | 'paired';
  /** false: the embedder's onnxruntime threads do not busy-wait (the raw session keeps the default). */
  spinning?: boolean;
  /** paired: papers per chunk. */
  chunk?: number;
  dtype: 'q8' | 'fp32';
  batchSize: number;
  threads?: number;
  /** JSONL file with the papers to embed. */
  file: string;
  modelDir: string;
  model: string;
  workDir: string;
  hnsw: { M: number; efConstruction: number; ef: number };
}

export interface IngestResult {
  variant: IngestJob['variant'];
  papers: number;
  seconds: number;
  papersPerSecond: number;
  loadSeconds: number;
  peakRssMb: number;
  steps?: Record<string, number>;
  /** paired: papers/s of each variant over the same chunks. */
  paired?: Record<'raw' | 'embedder' | 'ingest', number>;
}

const job = JSON.parse(process.argv[2]!) as IngestJob;
const now = () => performance.now();

function embedderOptions() {
  return {
    model: job.model,
    modelDir: job.modelDir,
    dtype: job.dtype,
    pooling: 'mean' as const,
    normalize: true,
    queryPrefix: '',
    passagePrefix: '',
    batchSize: job.batchSize,
    threads: job.threads,
    spinning: job.spinning,
  };
}

async function texts(): Promise<string[]> {
  const { records } = await readSources([job.file], {});
  return records.map(embeddingText);
}

async function rawSession(): Promise<{ tokenizer: PreTrainedTokenizer; session: ort.InferenceSession }> {
  const tokenizer: PreTrainedTokenizer = await AutoTokenizer.from_pretrained(path.resolve(job.modelDir, job.model), { local_files_only: true });
  const weights = job.dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx';
  const session = await ort.InferenceSession.create(path.resolve(job.modelDir, job.model, 'onnx', weights), {
    graphOptimizationLevel: 'all',
    ...(job.threads ? { intraOpNumThreads: job.threads, interOpNumThreads: 1 } : {}),
  });
  return { tokenizer, session };
}

/** Pre-tokenized, length-sorted feeds, built the way the embedder builds its batches. */
function feedsFor(all: readonly string[], tokenizer: PreTrainedTokenizer, session: ort.InferenceSession): Record<string, ort.Tensor>[] {
  return lengthSortedBatches(all, job.batchSize).map((batch) => {
    const inputs = tokenizer(
      batch.map((i) => all[i]!),
      { padding: true, truncation: true, max_length: 512 },
    ) as Record<string, Tensor>;
    const feed: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const tensor = inputs[name] ?? inputs.input_ids!;
      const data = name in inputs ? (tensor.data as BigInt64Array) : new BigInt64Array(tensor.data.length);
      feed[name] = new ort.Tensor('int64', data, tensor.dims);
    }
    return feed;
  });
}

async function paired(): Promise<Omit<IngestResult, 'peakRssMb' | 'variant'>> {
  const parseStarted = now();
  const { records } = await readSources([job.file], {});
  const parseSeconds = (now() - parseStarted) / 1000;
  const loadStarted = now();
  const { tokenizer, session } = await rawSession();
  const model = await TransformersEmbedder.create(embedderOptions());
  const loadSeconds = (now() - loadStarted) / 1000;
  const dataDir = path.join(job.workDir, `paired-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const store = PaperStore.open({ dataDir, hnsw: job.hnsw });
  await model.embed(['warm-up'], 'passage');
  await session.run(feedsFor(['warm-up'], tokenizer, session)[0]!);
  const seconds = { raw: 0, embedder: 0, ingest: parseSeconds };
  const size = job.chunk ?? 250;
  const order = ['raw', 'embedder', 'ingest'] as const;
  for (let start = 0, turn = 0; start < records.length; start += size, turn++) {
    const chunk = records.slice(start, start + size);
    const texts = chunk.map(embeddingText);
    for (let i = 0; i < order.length; i++) {
      const variant = order[(turn + i) % order.length]!;
      if (variant === 'raw') {
        const feeds = feedsFor(texts, tokenizer, session);
        const t = now();
        for (const feed of feeds) await session.run(feed);
        seconds.raw += (now() - t) / 1000;
      } else if (variant === 'embedder') {
        const t = now();
        await model.embed(texts, 'passage');
        seconds.embedder += (now() - t) / 1000;
      } else {
        const t = now();
        await ingestRecords(chunk, store, model);
        seconds.ingest += (now() - t) / 1000;
      }
    }
    console.error(`  chunk ${turn + 1}: raw ${seconds.raw.toFixed(1)} s, embedder ${seconds.embedder.toFixed(1)} s, ingest ${seconds.ingest.toFixed(1)} s`);
  }
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await model.dispose();
  await session.release();
  const n = records.length;
  return {
    papers: n,
    seconds: seconds.raw,
    papersPerSecond: n / seconds.raw,
    loadSeconds,
    steps: seconds,
    paired: { raw: n / seconds.raw, embedder: n / seconds.embedder, ingest: n / seconds.ingest },
  };
}

async function raw(): Promise<Omit<IngestResult, 'peakRssMb' | 'variant'>> {
  const all = await texts();
  const loadStarted = now();
  const { tokenizer, session } = await rawSession();
  const loadSeconds = (now() - loadStarted) / 1000;
  const feeds = feedsFor(all, tokenizer, session);
  // One warm-up call on the first (shortest) batch, as the embedder's first call would pay it too.
  await session.run(feeds[0]!);
  const started = now();
  for (const feed of feeds) await session.run(feed);
  const seconds = (now() - started) / 1000;
  await session.release();
  return { papers: all.length, seconds, papersPerSecond: all.length / seconds, loadSeconds };
}

/** The texts and the product's embedder, loaded (timed) and warmed up on the shortest text. */
async function warmEmbedder(onBatch?: (timing: BatchTiming) => void): Promise<{ all: string[]; model: TransformersEmbedder; loadSeconds: number }> {
  const all = await texts();
  const loadStarted = now();
  const model = await TransformersEmbedder.create({ ...embedderOptions(), onBatch });
  const loadSeconds = (now() - loadStarted) / 1000;
  await model.embed([all[0]!], 'passage');
  return { all, model, loadSeconds };
}

async function embedder(): Promise<Omit<IngestResult, 'peakRssMb' | 'variant'>> {
  const { all, model, loadSeconds } = await warmEmbedder();
  const started = now();
  await model.embed(all, 'passage');
  const seconds = (now() - started) / 1000;
  await model.dispose();
  return { papers: all.length, seconds, papersPerSecond: all.length / seconds, loadSeconds };
}

/** The embedder's steps (tokenize, model, pool per batch) from its public timing hook, onBatch. */
async function split(): Promise<Omit<IngestResult, 'peakRssMb' | 'variant'>> {
  const steps = { sort: 0, tokenize: 0, model: 0, pool: 0 };
  let timing = false;
  const { all, model, loadSeconds } = await warmEmbedder((batch) => {
    if (!timing) return; // not the warm-up call
    steps.tokenize += batch.tokenizeMs;
    steps.model += batch.modelMs;
    steps.pool += batch.poolMs;
  });
  // The embedder sorts by length before batching; the same sort, timed on its own.
  let t = now();
  lengthSortedBatches(all, job.batchSize);
  steps.sort = now() - t;
  timing = true;
  t = now();
  await model.embed(all, 'passage');
  const seconds = (now() - t) / 1000 + steps.sort / 1000;
  await model.dispose();
  return {
    papers: all.length,
    seconds,
    papersPerSecond: all.length / seconds,
    loadSeconds,
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v / 1000])),
  };
}

async function ingest(): Promise<Omit<IngestResult, 'peakRssMb' | 'variant'>> {
  const dataDir = path.join(job.workDir, `ingest-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const loadStarted = now();
  const model = await TransformersEmbedder.create(embedderOptions());
  const loadSeconds = (now() - loadStarted) / 1000;
  await model.embed(['warm-up'], 'passage');
  const steps = { parse: 0, ingest: 0 };
  const started = now();
  const { records } = await readSources([job.file], {});
  steps.parse = (now() - started) / 1000;
  const store = PaperStore.open({ dataDir, hnsw: job.hnsw });
  const t = now();
  const counts = await ingestRecords(records, store, model);
  steps.ingest = (now() - t) / 1000;
  store.close();
  const seconds = (now() - started) / 1000;
  await model.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  if (counts.embedded !== records.length) throw new Error(`embedded ${counts.embedded} of ${records.length}`);
  return { papers: records.length, seconds, papersPerSecond: records.length / seconds, loadSeconds, steps };
}

const runners = { raw, embedder, split, ingest, paired };
const result = await runners[job.variant]();
const peakRssMb = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
console.log(JSON.stringify({ variant: job.variant, ...result, peakRssMb } satisfies IngestResult));
