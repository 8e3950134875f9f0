// Section `ingest`: papers/s for (a) raw onnxruntime session calls on pre-tokenized batches (the
// limit), (b) the embedding module alone, (c) the full ingest, with the generated `minilm` model
// (all-MiniLM-L6-v2's shape) in q8 and fp32, on the first N SciFact abstracts. Each measurement
// runs in its own process (peak RSS per measurement); the variants are interleaved round by round
// so a noisy neighbour hits all of them alike, and the best round counts.
//
//   npm run test-model -- minilm .models
//   npm run bench -- ingest --paired --n 2000 --dtypes q8,fp32            (paired: the default)
//   npm run bench -- ingest --separate --n 2000 --dtypes q8,fp32 --batch 16 --rounds 2
//   npm run bench -- ingest --n 600 --dtypes q8 --sweep-batches 1,4,8,16,32,64 --sweep-threads 1,2
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import type { IngestJob, IngestResult } from './ingest-worker.ts';
import { BENCH_DIR, fixed, intList, log, publish, table, type Args } from './lib/report.ts';

const CORPUS = path.resolve(process.env.PAPERSEEK_SCIFACT ?? '../shared/beir/scifact/corpus.jsonl');
const WORK = path.join(BENCH_DIR, 'ingest');

/** The first `n` SciFact records as a paperseek JSONL file (title + abstract + id). */
function corpusFile(n: number): string {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `scifact-${n}.jsonl`);
  if (existsSync(file)) return file;
  if (!existsSync(CORPUS)) throw new Error(`SciFact corpus not found at ${CORPUS} (set PAPERSEEK_SCIFACT)`);
  const lines = readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
  const records = lines
    .map((line) => JSON.parse(line) as { _id?: string; id?: string; title: string; text?: string; abstract?: string })
    .map((r) => ({ id: String(r._id ?? r.id), title: r.title, abstract: r.abstract ?? r.text ?? '' }))
    .filter((r) => r.title.trim() && r.abstract.trim())
    .slice(0, n);
  if (records.length < n) throw new Error(`only ${records.length} usable SciFact records, asked for ${n}`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

function measure(job: IngestJob): IngestResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'ingest-worker.ts'), JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`ingest worker failed (${job.variant} ${job.dtype}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as IngestResult;
  log(
    `  ${job.variant} ${job.dtype} batch ${job.batchSize} threads ${job.threads ?? 'default'}: ${fixed(result.papersPerSecond)} papers/s, peak RSS ${result.peakRssMb} MB`,
  );
  return result;
}

export async function runIngest(args: Args): Promise<void> {
  const n = Number(args.n ?? 2000);
  const file = corpusFile(n);
  const base = {
    file,
    modelDir: path.resolve(args['model-dir'] ?? '.models'),
    model: args.model ?? 'minilm',
    workDir: WORK,
    hnsw: { M: Number(args.M ?? DEFAULT_HNSW.M), efConstruction: Number(args.efc ?? DEFAULT_HNSW.efConstruction), ef: DEFAULT_HNSW.ef },
  };
  if (!existsSync(path.join(base.modelDir, base.model, 'config.json'))) {
    throw new Error(`model ${base.model} not found in ${base.modelDir}; run: npm run test-model -- minilm .models`);
  }
  const threads = args.threads ? Number(args.threads) : undefined;
  const spinning = args.spinning === 'false' ? false : undefined;
  const sections: string[] = [];
  const data: Record<string, unknown> = {};

  if (args['sweep-batches'] || args['sweep-threads']) {
    const dtype = (args.dtypes ?? 'q8').split(',')[0] as 'q8' | 'fp32';
    const batches = intList(args['sweep-batches'], [Number(args.batch ?? 16)]);
    const threadList = intList(args['sweep-threads'], [0]);
    const variants = (args.variants ?? 'raw,embedder').split(',') as IngestJob['variant'][];
    const rows: (string | number)[][] = [];
    const results: unknown[] = [];
    for (const t of threadList) {
      for (const batchSize of batches) {
        const byVariant = Object.fromEntries(
          variants.map((variant) => [variant, measure({ ...base, variant, dtype, batchSize, threads: t || undefined })]),
        ) as Record<string, IngestResult>;
        results.push({ threads: t || 'default', batchSize, byVariant });
        rows.push([t || 'default', batchSize, ...variants.map((v) => fixed(byVariant[v]!.papersPerSecond, 1))]);
      }
    }
    data.sweep = results;
    sections.push(
      `### Batch size / threads sweep (${dtype}, ${n} SciFact abstracts, papers/s)\n\n` +
        table(['threads', 'batch', ...variants.map((v) => `${v} papers/s`)], rows),
    );
    publish('ingest-sweep', sections.join('\n\n'), data);
    return;
  }

  const dtypes = (args.dtypes ?? 'q8,fp32').split(',') as ('q8' | 'fp32')[];
  const batchSize = Number(args.batch ?? 16);

  // Paired is the default; --separate runs one process per variant (per-variant peak RSS, noisier speed).
  if (!args.separate) {
    // (a), (b), (c) in one process, chunk by chunk in rotating order: robust ratios on a noisy machine.
    const rows: (string | number)[][] = [];
    const results: Record<string, IngestResult> = {};
    for (const dtype of dtypes) {
      const r = measure({ ...base, variant: 'paired', dtype, batchSize, threads, spinning, chunk: Number(args.chunk ?? 250) });
      results[dtype] = r;
      const p = r.paired!;
      rows.push([dtype, '(a) raw onnxruntime session.run, pre-tokenized (limit)', fixed(p.raw, 2), '100.0 %']);
      rows.push([dtype, '(b) embedder: TransformersEmbedder.embed', fixed(p.embedder, 2), `${fixed((100 * p.embedder) / p.raw, 1)} %`]);
      rows.push([
        dtype,
        '(c) full ingest: parse + ingestRecords (embed, SQLite, FTS5, HNSW, save)',
        fixed(p.ingest, 2),
        `${fixed((100 * p.ingest) / p.raw, 1)} %`,
      ]);
      writeFileSync(path.join(WORK, 'paired-partial.json'), JSON.stringify(results, null, 2));
    }
    publish(
      'ingest-paired',
      `### Ingest throughput, ${n} SciFact abstracts, batch ${batchSize}, threads ${threads ?? 'onnxruntime default'}${spinning === false ? ', embedder spinning off' : ''}; (a), (b), (c) interleaved per ${args.chunk ?? 250}-paper chunk in one process\n\n` +
        table(['dtype', 'what', 'papers/s', '% of (a)'], rows) +
        `\n\nPeak RSS of the whole paired process (both sessions + store loaded): ${dtypes.map((d) => `${d} ${results[d]!.peakRssMb} MB`).join(', ')}`,
      results,
    );
    return;
  }
  const rounds = Number(args.rounds ?? 2);
  const variants = (args.variants ?? 'raw,embedder,ingest,split').split(',') as IngestJob['variant'][];
  const best: Record<string, IngestResult> = {};
  for (let round = 1; round <= rounds; round++) {
    log(`round ${round}/${rounds}`);
    for (const dtype of dtypes) {
      for (const variant of variants) {
        if (variant === 'split' && round > 1) continue;
        const result = measure({ ...base, variant, dtype, batchSize, threads });
        const key = `${dtype}/${variant}`;
        if (!best[key] || result.papersPerSecond > best[key].papersPerSecond) best[key] = result;
        // Partial results survive an interrupted run.
        mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
        writeFileSync(path.join(BENCH_DIR, 'results', 'ingest-partial.json'), JSON.stringify({ n, batchSize, threads, best }, null, 2));
      }
    }
  }
  data.best = best;
  const rows = dtypes.flatMap((dtype) => {
    const limit = best[`${dtype}/raw`]?.papersPerSecond ?? NaN;
    const label = { raw: '(a) raw onnxruntime (limit)', embedder: '(b) embedder (src/embed)', ingest: '(c) full ingest', split: '(b) step by step' };
    return (['raw', 'embedder', 'ingest'] as const).flatMap((variant) => {
      const r = best[`${dtype}/${variant}`];
      if (!r) return [];
      return [[dtype, label[variant], fixed(r.papersPerSecond, 1), `${fixed((100 * r.papersPerSecond) / limit, 1)} %`, r.peakRssMb, fixed(r.loadSeconds, 2)]];
    });
  });
  sections.push(
    `### Ingest throughput, ${n} SciFact abstracts, batch ${batchSize}, threads ${threads ?? 'onnxruntime default'}, best of ${rounds} interleaved rounds\n\n` +
      table(['dtype', 'what', 'papers/s', '% of (a)', 'peak RSS MB', 'model load s'], rows),
  );
  const splitRows = dtypes.flatMap((dtype) => {
    const s = best[`${dtype}/split`];
    const ingest = best[`${dtype}/ingest`];
    if (!s?.steps) return [];
    const total = s.seconds;
    const stepRows = Object.entries(s.steps).map(([step, seconds]) => [
      dtype,
      `embedder: ${step}`,
      fixed(seconds, 2),
      `${fixed((100 * seconds) / total, 1)} %`,
    ]);
    if (ingest?.steps) {
      stepRows.push([dtype, 'full ingest: parse', fixed(ingest.steps.parse!, 2), '']);
      stepRows.push([dtype, 'full ingest: ingestRecords (embed + SQLite + FTS + HNSW + save)', fixed(ingest.steps.ingest!, 2), '']);
    }
    return stepRows;
  });
  sections.push(`### Where the time goes (one round)\n\n` + table(['dtype', 'step', 'seconds', 'share of embedder time'], splitRows));
  publish('ingest', sections.join('\n\n'), data);
}
