// Kill -9 check: ingests a corpus, killing the ingest process at a random moment, then runs the
// same ingest again and compares the result with an uninterrupted run: same ids, no duplicates,
// nothing lost, equal vectors, searchable. `npm run crash-check -- --runs 20`.
// `--corrupt`: instead of killing ingests, damages the store between runs — the newest HNSW file
// (flipped bytes, truncation, garbage of the same size) or SQLite's WAL (a writer killed with
// uncheckpointed deletes in it, then bytes flipped in the WAL) — then searches (a reader process)
// and re-runs ingest or compact (a writer process): 0 lost, 0 wrong answers, 0 crashes, and never
// a damaged index file published again.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_HNSW } from '../src/defaults.ts';
import { readSource } from '../src/sources/index.ts';
import { DB_FILE } from '../src/store/database.ts';
import { IndexFiles } from '../src/store/index-files.ts';
import { PaperStore } from '../src/store/paper-store.ts';
import { exitWith, readOptions, usageError } from './bench/lib/args.ts';
import { writeTestModel } from './test-model/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = path.join(ROOT, 'data/sample/000_15e46c23e16ff53f.txt');
const HNSW = DEFAULT_HNSW;

/** A corpus of `variants` rewordings of each sample paper, as JSON Lines. */
export async function writeCorpus(file: string, variants: number): Promise<number> {
  const { records } = await readSource(SAMPLE, { capturedYear: 2025 });
  const lines = records.flatMap((record) =>
    Array.from({ length: variants }, (_, v) => {
      const words = record.abstract.split(' ');
      const shift = (v * 7) % words.length;
      const abstract = [...words.slice(shift), ...words.slice(0, shift)].join(' ');
      return JSON.stringify({ id: `${record.id}-v${v}`, title: `${record.title} (variant ${v})`, abstract, upvotes: v });
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length;
}

export interface IngestRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** From the first progress line (records flowing) to the end of the run: the window in which a kill interrupts the ingest. */
  embeddingMs: number;
}

/** Runs `paperseek ingest`; with `killAfterMs`, SIGKILLs it that long after embedding starts. */
export function runIngest(corpus: string, env: Record<string, string>, killAfterMs?: number): Promise<IngestRun> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx's loader, not the tsx CLI, which runs the script in a child):
    // SIGKILL must hit the process doing the writes.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'ingest', '--chunk-size', '16', corpus], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let embeddingStarted: number | undefined;
    let embeddingMs = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (embeddingStarted === undefined && stderr.includes('ingest: ')) {
        embeddingStarted = performance.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (embeddingStarted !== undefined) embeddingMs = performance.now() - embeddingStarted;
      resolve({ code, signal, stderr, embeddingMs });
    });
  });
}

export interface Snapshot {
  ids: string[];
  vectors: Map<string, Float32Array>;
  /** Ids the vector index returns for an exhaustive search (duplicates would show here). */
  indexed: string[];
  keywordMatches: number;
}

export function snapshot(dataDir: string): Snapshot {
  const store = PaperStore.open({ dataDir, hnsw: HNSW, role: 'reader' });
  try {
    const ids = store.ids().sort();
    const vectors = new Map(ids.map((id) => [id, store.vectorOf(id)!.vector!]));
    const probe = vectors.get(ids[0]!)!;
    const neighbours = store.nearest(probe, ids.length + 10, undefined, ids.length + 10);
    const papers = store.papersByLabels(neighbours.map(([label]) => label));
    const indexed = neighbours.map(([label]) => papers.get(label)?.id ?? `(label ${label} without paper)`);
    return { ids, vectors, indexed, keywordMatches: store.keyword.matching('variant') };
  } finally {
    store.close();
  }
}

export interface Comparison {
  lost: number;
  duplicated: number;
  /** Papers whose vector differs from the uninterrupted run's (cosine < 0.9999) or is missing from the index. */
  mismatched: number;
}

export function compare(reference: Snapshot, run: Snapshot): Comparison {
  const have = new Set(run.ids);
  const lost = reference.ids.filter((id) => !have.has(id)).length;
  const extra = run.ids.length - (reference.ids.length - lost);
  const duplicated = extra + (run.indexed.length - new Set(run.indexed).size);
  const indexed = new Set(run.indexed);
  let mismatched = reference.ids.length - run.indexed.length;
  for (const [id, vector] of reference.vectors) {
    const other = run.vectors.get(id);
    if (!other || !indexed.has(id)) continue;
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += vector[i]! * other[i]!;
    if (dot < 0.9999) mismatched++;
  }
  if (run.keywordMatches !== reference.keywordMatches) mismatched++;
  return { lost, duplicated, mismatched: Math.max(0, mismatched) };
}

/** Runs a `paperseek` command to its end. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const QUERIES = ['neural network training', 'protein structure prediction', 'graph learning', 'language model evaluation', 'image segmentation'];

/** Top-10 semantic ids per query from a separate reader process; null when it crashed or failed. */
async function searchAll(env: Record<string, string>): Promise<{ answers: string[][] | null; stderr: string }> {
  const answers: string[][] = [];
  let stderr = '';
  for (const query of QUERIES) {
    const run = await runCli(['search', '--mode', 'semantic', '--json', '-k', '10', query], env);
    stderr += run.stderr;
    if (run.code !== 0)
      return {
        answers: null,
        stderr: `${stderr}
(exit ${run.code ?? run.signal})`,
      };
    answers.push((JSON.parse(run.stdout) as { results: { id: string }[] }).results.map((result) => result.id));
  }
  return { answers, stderr };
}

const DAMAGES = ['flip', 'truncate', 'garbage', 'wal'] as const;

// A writer that dies with committed, uncheckpointed transactions in the WAL: deletes `count`
// papers one transaction each, with automatic checkpoints off, then SIGKILLs itself.
const DIE_WITH_WAL = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.pragma('wal_autocheckpoint = 0');
const ids = db.prepare('SELECT id FROM papers ORDER BY random() LIMIT ?').pluck().all(Number(process.argv[3]));
for (const id of ids) db.prepare('DELETE FROM papers WHERE id = ?').run(id);
process.kill(process.pid, 'SIGKILL');
`;

/** Leaves a WAL full of committed deletes by a killed writer, then flips bytes in it. */
function damageWal(dataDir: string): string {
  const db = path.join(dataDir, DB_FILE);
  const module = path.join(ROOT, 'node_modules/better-sqlite3');
  spawnSync(process.execPath, ['-e', DIE_WITH_WAL, module, db, '20']);
  const wal = `${db}-wal`;
  const size = statSync(wal).size;
  const bytes = readFileSync(wal);
  const flips = 1 + Math.floor(Math.random() * 50);
  for (let i = 0; i < flips; i++) bytes[32 + Math.floor(Math.random() * (size - 32))]! ^= 1 << Math.floor(Math.random() * 8);
  writeFileSync(wal, bytes);
  return `WAL of a killed writer (20 deletes, ${size} bytes) with ${flips} bytes flipped`;
}

/** Damages a file as a failing disk or a careless hand would; returns what was done. */
function damage(file: string, kind: (typeof DAMAGES)[number]): string {
  const size = statSync(file).size;
  if (kind === 'truncate') {
    const length = Math.floor(Math.random() * size);
    truncateSync(file, length);
    return `truncated to ${length} of ${size} bytes`;
  }
  const bytes = kind === 'garbage' ? Buffer.from(Array.from({ length: size }, () => Math.floor(Math.random() * 256))) : readFileSync(file);
  const flips = 1 + Math.floor(Math.random() * 200);
  if (kind === 'flip') for (let i = 0; i < flips; i++) bytes[Math.floor(Math.random() * size)]! ^= 1 << Math.floor(Math.random() * 8);
  writeFileSync(file, bytes);
  return kind === 'flip' ? `${flips} bytes flipped` : `replaced by ${size} random bytes`;
}

function newestIndexFile(dataDir: string): { generation: number; file: string } {
  const files = new IndexFiles(dataDir);
  const generation = Math.max(...files.generations());
  return { generation, file: files.file(generation) };
}

async function corruptRuns(runs: number, corpus: string, env: Record<string, string>, reference: Snapshot, dataDir: string): Promise<boolean> {
  await runIngest(corpus, env);
  const before = await searchAll(env);
  if (!before.answers) throw new Error(`search failed before any damage:\n${before.stderr}`);
  const total = { lost: 0, duplicated: 0, mismatched: 0, wrong: 0, crashes: 0, republished: 0 };
  for (let run = 1; run <= runs; run++) {
    const kind = DAMAGES[(run - 1) % DAMAGES.length]!;
    const { generation, file } = newestIndexFile(dataDir);
    const what = kind === 'wal' ? damageWal(dataDir) : damage(file, kind);
    const damaged = readFileSync(file);
    const problems: string[] = [];
    const fail = (counter: 'wrong' | 'crashes' | 'republished', problem: string) => {
      total[counter]++;
      problems.push(problem);
    };
    // A reader first (the server's path), then a writer: ingest, every third run compact.
    const read = await searchAll(env);
    if (!read.answers) fail('crashes', `reader failed: ${read.stderr.trim().split('\n').at(-1)}`);
    // After WAL damage SQLite keeps the frames before the first bad checksum, so some of the
    // killed writer's deletes may stand: the reader may rightly miss those papers until the writer
    // re-ingests them. An index file's damage must never change an answer.
    else if (kind !== 'wal' && JSON.stringify(read.answers) !== JSON.stringify(before.answers)) fail('wrong', 'reader answered differently');
    // compact every third run, but not after WAL damage: the killed writer's deletes that stand are
    // undone only by ingesting the corpus again.
    const compacting = run % 3 === 0 && kind !== 'wal';
    const writer = compacting ? await runCli(['compact'], env) : await runIngest(corpus, env);
    if (writer.code !== 0) fail('crashes', `writer exit ${writer.code ?? writer.signal}: ${writer.stderr.trim().split('\n').at(-1)}`);
    const detected = /is damaged \(([^)]*)/.exec(read.stderr + writer.stderr)?.[1];
    const next = newestIndexFile(dataDir);
    if (kind !== 'wal' && (next.generation <= generation || readFileSync(next.file).equals(damaged))) fail('republished', 'damaged file still the newest');
    const result = compare(reference, snapshot(dataDir));
    const after = await searchAll(env);
    if (!after.answers) fail('crashes', 'reader failed after the writer');
    else if (JSON.stringify(after.answers) !== JSON.stringify(before.answers)) fail('wrong', 'answers differ after the writer');
    console.log(
      `run ${run}: generation ${generation} ${what}; detected: ${detected ?? 'no'}; ${compacting ? 'compact' : 'ingest'} published generation ${next.generation}; ` +
        `${result.lost} lost, ${result.duplicated} duplicated, ${result.mismatched} mismatched${problems.length ? `; ${problems.join('; ')}` : ''}`,
    );
    total.lost += result.lost;
    total.duplicated += result.duplicated;
    total.mismatched += result.mismatched;
  }
  console.log(
    `${total.lost} lost, ${total.wrong} wrong answers, ${total.crashes} crashes (${total.duplicated} duplicated, ${total.mismatched} mismatched, ${total.republished} damaged files republished)`,
  );
  return Object.values(total).every((n) => n === 0);
}

export interface CrashCheckOptions {
  runs: number;
  variants: number;
  corrupt: boolean;
}

const USAGE = `Usage: crash-check [--runs <n>] [--variants <n>] [--corrupt]

Kill -9 check: ingests a corpus of the sample papers, killing the ingest at a random moment, then
ingests again and compares with an uninterrupted run (nothing lost or duplicated, equal vectors,
searchable). With --corrupt, damages an index file or the WAL between runs instead and checks that
readers and writers recover.

Options:
  --runs <n>      number of killed (or damaged) runs (default: 20)
  --variants <n>  rewordings of each sample paper in the corpus (default: 12)
  --corrupt       damage the store between runs instead of killing ingests
  --help          show this help

Exit codes: 0 every run passed, 1 a run lost, duplicated or damaged something, 2 usage error.
Example: npm run crash-check -- --runs 5`;

const positiveInteger = (name: string, value: string, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw usageError(`--${name} must be an integer 1–${max}, got "${value}"`, USAGE);
  return Number(value);
};

/**
 * Reads the command line (`argv` without node and the script). Help or a usage error throws
 * ArgsExit (scripts/bench/lib/args.ts) with the text to print: exit code 0 for help, 2 for misuse.
 */
export function parseCrashCheckArgs(argv: readonly string[]): CrashCheckOptions {
  const { values } = readOptions(
    argv,
    { runs: { type: 'string', default: '20' }, variants: { type: 'string', default: '12' }, corrupt: { type: 'boolean', default: false } },
    USAGE,
  );
  return { runs: positiveInteger('runs', values.runs, 10_000), variants: positiveInteger('variants', values.variants, 1_000), corrupt: values.corrupt };
}

async function main(): Promise<void> {
  let values: CrashCheckOptions;
  try {
    values = parseCrashCheckArgs(process.argv.slice(2));
  } catch (error) {
    exitWith(error); // prints the help (exit 0) or the usage error (exit 2)
  }
  const { runs } = values;
  const work = mkdtempSync(path.join(os.tmpdir(), 'paperseek-crash-'));
  try {
    const modelsDir = path.join(ROOT, '.models');
    await writeTestModel('lexical', modelsDir);
    const corpus = path.join(work, 'corpus.jsonl');
    const size = await writeCorpus(corpus, values.variants);
    const env = (dir: string) => ({ PAPERSEEK_MODEL_DIR: modelsDir, PAPERSEEK_MODEL: 'lexical', PAPERSEEK_DATA_DIR: path.join(work, dir) });
    const { embeddingMs } = await runIngest(corpus, env('reference'));
    const reference = snapshot(path.join(work, 'reference'));
    if (values.corrupt) {
      console.log(`reference: ${reference.ids.length} of ${size} papers; ${runs} runs with a damaged index file or WAL follow`);
      process.exitCode = (await corruptRuns(runs, corpus, env('corrupt'), reference, path.join(work, 'corrupt'))) ? 0 : 1;
      return;
    }
    console.log(`reference: ${reference.ids.length} of ${size} papers, embedding and storing took ${Math.round(embeddingMs)} ms; ${runs} killed runs follow`);
    const total: Comparison = { lost: 0, duplicated: 0, mismatched: 0 };
    for (let run = 1; run <= runs; run++) {
      const killAfter = Math.round(Math.random() * embeddingMs);
      const killed = await runIngest(corpus, env(`run-${run}`), killAfter);
      const afterKill = killed.signal === 'SIGKILL' ? snapshot(path.join(work, `run-${run}`)).ids.length : size;
      const rerun = await runIngest(corpus, env(`run-${run}`));
      const result = compare(reference, snapshot(path.join(work, `run-${run}`)));
      const embedded = /embedded (\d+)/.exec(rerun.stderr)?.[1];
      console.log(
        `run ${run}: killed ${killed.signal === 'SIGKILL' ? `after ${killAfter} ms with ${afterKill} papers committed` : 'too late (finished)'}; ` +
          `re-run embedded ${embedded}; ${result.lost} lost, ${result.duplicated} duplicated, ${result.mismatched} mismatched`,
      );
      total.lost += result.lost;
      total.duplicated += result.duplicated;
      total.mismatched += result.mismatched;
    }
    console.log(`${total.lost} lost, ${total.duplicated} duplicated, ${total.mismatched} mismatched`);
    process.exitCode = total.lost + total.duplicated + total.mismatched === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
