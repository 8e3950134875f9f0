// Loopback load test (not part of `npm test`): starts the real server (`paperseek serve`) on a temp
// data dir holding the bundled sample embedded with a generated model, drives GET /search with
// autocannon using a rotating mix of valid queries (text, mode, k, offset, filters; a share of them
// never seen before, so the model runs under load), and reports requests/s, p50/p99 latency, errors
// and non-2xx answers. Exits 1 if any valid request failed.
// --workers 1,2 starts `serve --workers <n>` for each count in turn (--rounds times, alternating)
// and compares their requests/s; --data-dir serves a copy of an existing index instead of the sample.
//
//   npm run load                                   # 60 s, 256 connections, lexical model
//   npm run load -- --duration 10 --connections 64 --model minilm
//   npm run load -- --data-dir /path/to/index --model none --modes keyword --connections 32 --workers 1,2 --rounds 3
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { watchReady } from '../src/log/ready.ts';
import { parseOptions } from './bench/lib/args.ts';
import { mulberry32 } from './test-model/prng.ts';
import { isTestModelKind, writeTestModel } from './test-model/index.ts';

const MODES = ['hybrid', 'semantic', 'keyword'] as const;

const USAGE = `usage: npm run load -- [--duration <s>=60] [--connections <n>=256] [--model lexical|minilm|tiny|none] [--models-dir .models] [--fresh <share of never-seen queries>=0.2] [--timeout <s per request>=10] [--cpu-prof <dir>: write the server's V8 CPU profile there]
  [--workers <n>[,<n>…]=1: serve --workers for each count in turn] [--rounds <n>=1: alternate the counts this many times] [--data-dir <index>: serve a copy of this index, not the sample] [--modes hybrid,semantic,keyword]`;
const { values: args } = parseOptions(
  process.argv.slice(2),
  {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '256' },
    model: { type: 'string', default: 'lexical' },
    'models-dir': { type: 'string', default: '.models' },
    fresh: { type: 'string', default: '0.2' },
    timeout: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
    workers: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
    'data-dir': { type: 'string' },
    modes: { type: 'string', default: 'hybrid,semantic,keyword' },
  },
  USAGE,
);
const duration = Number(args.duration);
const connections = Number(args.connections);
const fresh = Number(args.fresh);
const timeout = Number(args.timeout);
const model = args.model;
const workerCounts = args.workers.split(',').map(Number);
const rounds = Number(args.rounds);
const modes = args.modes.split(',');
if (
  !(isTestModelKind(model) || model === 'none') ||
  !(duration > 0) ||
  !(connections > 0) ||
  !(fresh >= 0 && fresh <= 1) ||
  !(timeout > 0) ||
  !workerCounts.every((n) => Number.isInteger(n) && n >= 1) ||
  !(Number.isInteger(rounds) && rounds >= 1) ||
  !modes.every((mode) => (MODES as readonly string[]).includes(mode))
) {
  console.error(USAGE);
  process.exit(2);
}

const MAIN = path.resolve('src/cli/main.ts');

const QUERIES = [
  'disentanglement in diffusion',
  'image tokenizer',
  'unsupervised representation learning',
  'text-to-image personalization',
  'identity preserving subject-driven generation',
  'mode collapse in GANs',
  'medical image generation long tail',
  'latent space traversal',
  'vision transformer',
  'self-supervised learning',
  'causal representation',
  'video generation',
  'contrastive learning of visual features',
  'variational autoencoder',
  'disentangled representations of faces',
  'factorized visual tokenization',
  'multi-view representation learning',
  'counterfactual image editing',
  'style and content',
  'NEAR("diffusion" model) OR -tokenizer*',
  'what is the best way to disentangle factors of variation in a generative model?',
];
const WORDS =
  'diffusion disentangled representation image text video model latent generation learning visual token attention style identity causal factor editing robust semantic'.split(
    ' ',
  );
const FILTERS = [
  '',
  '',
  '',
  '&has_code=true',
  '&published_from=2024-01-01',
  '&min_upvotes=1',
  '&offset=10',
  '&published_from=2023-01-01&published_to=2025-12-31',
];
const KS = [5, 10, 10, 20, 50];

/** The query mix: a seeded stream of /search paths, every one of them valid. */
function queryMix(seed: number): { path: () => string; fixed: string[] } {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const build = (q: string) => `/search?q=${encodeURIComponent(q)}&mode=${pick(modes)}&k=${pick(KS)}${pick(FILTERS)}`;
  const fixed = Array.from({ length: 200 }, () => build(pick(QUERIES)));
  let serial = 0;
  // A never-seen query misses the query-embedding cache, so semantic and hybrid run the model.
  const novel = () => build(`${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} q${seed}x${serial++}`);
  return { fixed, path: () => (random() < fresh ? novel() : pick(fixed)) };
}

/** `serve --workers <n>`, up once it writes its ready event (src/log/ready.ts). */
async function startServer(env: Record<string, string>, workers: number): Promise<{ child: ChildProcess; base: string }> {
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', MAIN, 'serve', '--workers', String(workers)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The request log is not kept: under load it would only grow this process.
  const ready = await watchReady(child, { timeoutMs: 300_000, retainOutput: false }).ready.catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, base: ready.url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const modelsDir = path.resolve(args['models-dir']);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'paperseek-load-'));
let modelDir = modelsDir;
if (model === 'none') {
  // A folder without the model: serve starts keyword-only, and nothing is downloaded.
  modelDir = path.join(dataDir, 'no-models');
  mkdirSync(modelDir);
} else {
  console.error(`model: generating/checking ${model} in ${modelsDir}`);
  await writeTestModel(model, modelsDir);
}
const indexDir = path.join(dataDir, 'index');
if (args['data-dir']) {
  // A copy: serve opens its index as a writer at start (write lock, checks), and the original stays untouched.
  console.error(`copying the index ${args['data-dir']} to ${indexDir}`);
  cpSync(path.resolve(args['data-dir']), indexDir, { recursive: true });
}
const serverEnv = {
  PORT: '0',
  HOST: '127.0.0.1',
  PAPERSEEK_MODEL_DIR: modelDir,
  PAPERSEEK_MODEL: model,
  PAPERSEEK_DATA_DIR: indexDir,
  // Every load connection comes from 127.0.0.1: lift the per-address cap (default 64) and the
  // total cap above the connection count, so the test measures serving, not admission.
  PAPERSEEK_MAX_CONNECTIONS_PER_IP: '0',
  PAPERSEEK_MAX_CONNECTIONS: String(Math.max(1024, 2 * connections)),
};

interface Run {
  workers: number;
  requests_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  failed: boolean;
}

async function run(workers: number): Promise<Run> {
  console.error(`starting paperseek serve --workers ${workers} on ${indexDir}${args['data-dir'] ? '' : ' (ingests the bundled sample the first time)'}`);
  const { child, base } = await startServer(serverEnv, workers);
  try {
    const seed = 4;
    const mix = queryMix(seed);
    // Every query in the mix must be valid, or non-2xx answers under load would mean nothing.
    for (const url of mix.fixed) {
      const response = await fetch(base + url);
      if (response.status !== 200) throw new Error(`warm-up: ${url} answered ${response.status}: ${await response.text()}`);
    }
    const health = (await (await fetch(`${base}/health`)).json()) as { papers: number; model: { id: string | null } };
    console.error(
      `${health.papers} papers, model ${health.model.id}; ${duration} s at ${connections} connections against ${base}/search (${Math.round(fresh * 100)}% never-seen queries, modes ${modes.join(',')})`,
    );

    const result = await autocannon({
      url: base,
      connections,
      duration,
      timeout,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: mix.path() }) }],
    });

    const summary = {
      model,
      workers,
      modes,
      papers: health.papers,
      duration_s: duration,
      connections,
      requests: result.requests.total,
      requests_per_s: Math.round(result.requests.average),
      latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      ok_2xx: result['2xx'],
      non_2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    console.log(
      [
        `load test: ${summary.requests} requests in ${duration} s at ${connections} connections (${model} model, ${health.papers} papers, ${workers} worker${workers === 1 ? '' : 's'})`,
        `  requests/s  ${summary.requests_per_s} (average)`,
        `  latency     p50 ${summary.latency_ms.p50} ms, p90 ${summary.latency_ms.p90} ms, p99 ${summary.latency_ms.p99} ms, max ${summary.latency_ms.max} ms`,
        `  2xx ${summary.ok_2xx}, non-2xx ${summary.non_2xx}, errors ${summary.errors}, timeouts ${summary.timeouts}`,
      ].join('\n'),
    );
    console.log(JSON.stringify(summary));
    const failed = summary.non_2xx > 0 || summary.errors > 0 || summary.timeouts > 0;
    if (failed) console.error('FAIL: valid queries produced errors or non-2xx answers');
    return { workers, requests_per_s: summary.requests_per_s, latency_ms: summary.latency_ms, failed };
  } finally {
    await stop(child);
  }
}

const runs: Run[] = [];
try {
  for (let round = 0; round < rounds; round++) for (const workers of workerCounts) runs.push(await run(workers));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
if (runs.length > 1) {
  // Side by side: the median run of each worker count, and its ratio to the first count's.
  const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  const perCount = workerCounts.map((workers) => {
    const mine = runs.filter((r) => r.workers === workers);
    return { workers, rps: mine.map((r) => r.requests_per_s), p50: median(mine.map((r) => r.latency_ms.p50)), p99: median(mine.map((r) => r.latency_ms.p99)) };
  });
  const baseline = median(perCount[0]!.rps);
  console.log(
    `\n| workers | req/s (median of ${rounds}) | req/s per run | p50 ms | p99 ms | × ${perCount[0]!.workers} worker${perCount[0]!.workers === 1 ? '' : 's'} |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const c of perCount) {
    console.log(`| ${c.workers} | ${median(c.rps)} | ${c.rps.join(', ')} | ${c.p50} | ${c.p99} | ${(median(c.rps) / baseline).toFixed(2)} |`);
  }
}
process.exit(runs.some((r) => r.failed) ? 1 : 0);
