// Section `ingest-scale`: streamed ingest of arXiv-snapshot-shaped JSON Lines files of growing size
// through the product's ingest use case (the one `paperseek ingest` calls), each size in a fresh
// process: records/s, peak RSS, and RSS sampled along the run to show it stays flat as input grows.
//
//   npm run bench -- ingest-scale --sizes 100000,300000,1000000                 (no model: keyword index, vectors pending)
//   npm run test-model -- tiny .models && npm run bench -- ingest-scale --sizes 100000 --model tiny
//
// The files are generated once under .bench/scale/ (SciFact sentences as text, so the keyword
// index sees a real vocabulary; deterministic).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { scifactSentences, writeSnapshot } from './lib/arxiv-snapshot.ts';
import { BENCH_DIR, fixed, intList, log, mb, publish, table, type Args } from './lib/report.ts';

const CORPUS = path.resolve(process.env.PAPERSEEK_SCIFACT ?? '../shared/beir/scifact/corpus.jsonl');
const WORK = path.join(BENCH_DIR, 'scale');

interface ScaleJob {
  file: string;
  dataDir: string;
  model: string | undefined;
  modelDir: string;
}

interface ScaleResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number;
  /** RSS (MB) when 25 / 50 / 75 / 100 % of the input bytes had been read. */
  rssAt: number[];
  summary: string;
}

export async function snapshotFile(n: number): Promise<string> {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `arxiv-snapshot-${n}.json`);
  if (existsSync(file)) return file;
  if (!existsSync(CORPUS)) throw new Error(`SciFact corpus not found at ${CORPUS} (set PAPERSEEK_SCIFACT)`);
  log(`generating ${n} records → ${file}`);
  await writeSnapshot(`${file}.tmp`, n, { sentences: scifactSentences(CORPUS) });
  (await import('node:fs')).renameSync(`${file}.tmp`, file);
  return file;
}

/** Runs in the child: one ingest, then prints its result as the last stdout line. */
async function worker(job: ScaleJob): Promise<void> {
  const { loadConfig } = await import('../../src/config.ts');
  const { ingestSources } = await import('../../src/ingest/ingest-sources.ts');
  const { loadModel, openStore } = await import('../../src/app/runtime.ts');
  const env = { ...process.env, PAPERSEEK_DATA_DIR: job.dataDir, PAPERSEEK_MODEL_DIR: job.modelDir, PAPERSEEK_MODEL: job.model ?? 'none' };
  const config = loadConfig(env);
  const model = job.model ? await loadModel(config) : { embedder: undefined, error: undefined };
  if (model.error) throw model.error;
  const store = openStore(config);
  const size = statSync(job.file).size;
  const marks = [0.25, 0.5, 0.75];
  const rssAt: number[] = [];
  const started = performance.now();
  const summary = await ingestSources([job.file], {}, store, model.embedder, {
    log: () => {},
    onProgress: (p) => {
      while (marks.length > 0 && p.bytesRead >= marks[0]! * size) {
        marks.shift();
        rssAt.push(mb(process.memoryUsage().rss));
      }
    },
  });
  rssAt.push(mb(process.memoryUsage().rss));
  const seconds = (performance.now() - started) / 1000;
  store.close();
  await model.embedder?.dispose();
  const result: ScaleResult = {
    records: summary.read,
    seconds,
    recordsPerSecond: summary.read / seconds,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    rssAt,
    summary: `added ${summary.added}, skipped ${summary.skipped}, embedded ${summary.embedded}, pending ${summary.pending}`,
  };
  console.log(JSON.stringify(result));
}

export async function runIngestScale(args: Args): Promise<void> {
  const sizes = intList(args.sizes, [100_000, 300_000, 1_000_000]);
  const model = args.model === undefined || args.model === 'none' ? undefined : args.model;
  const modelDir = path.resolve(args['model-dir'] ?? '.models');
  const rows: (string | number)[][] = [];
  const results: (ScaleResult & { size: number })[] = [];
  for (const size of sizes) {
    const file = await snapshotFile(size);
    const dataDir = mkdtempSync(path.join(WORK, 'index-'));
    try {
      const job: ScaleJob = { file, dataDir, model, modelDir };
      log(`ingesting ${size} records (${model ?? 'no model'})`);
      const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (child.status !== 0) throw new Error(`ingest-scale worker failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ScaleResult;
      log(`  ${fixed(result.recordsPerSecond, 0)} records/s, peak RSS ${result.peakRssMb} MB, RSS along the run ${result.rssAt.join(' / ')} MB`);
      results.push({ ...result, size });
      rows.push([
        size.toLocaleString('en-US'),
        `${fixed(statSync(file).size / 2 ** 20, 0)} MB`,
        model ?? 'none (vectors pending)',
        fixed(result.seconds, 1),
        fixed(result.recordsPerSecond, 0),
        result.peakRssMb,
        result.rssAt.join(' / '),
        result.summary,
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const markdown = table(['records', 'file', 'model', 'seconds', 'records/s', 'peak RSS MB', 'RSS at 25/50/75/100 % of input, MB', 'result'], rows);
  publish('ingest-scale', markdown, results);
}

// Child mode: `node --import tsx ingest-scale.ts <job json>`.
if (process.argv[1] === import.meta.filename && process.argv[2]?.startsWith('{')) {
  await worker(JSON.parse(process.argv[2]) as ScaleJob);
}
