// Loopback load test (not part of `npm test`): starts the real server (`paperseek serve`) on a temp
// data dir holding the bundled sample embedded with a generated model, drives GET /search with
// autocannon using a rotating mix of valid queries (text, mode, k, offset, filters; a share of them
// never seen before, so the model runs under load), and reports requests/s, p50/p99 latency, errors
// and non-2xx answers. Exits 1 if any valid request failed.
//
//   npm run load                                   # 60 s, 256 connections, lexical model
//   npm run load -- --duration 10 --connections 64 --model minilm
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { mulberry32 } from './test-model/prng.ts';
import { isTestModelKind, writeTestModel } from './test-model/index.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '256' },
    model: { type: 'string', default: 'lexical' },
    'models-dir': { type: 'string', default: '.models' },
    fresh: { type: 'string', default: '0.2' },
    timeout: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const USAGE = `usage: npm run load -- [--duration <s>=60] [--connections <n>=256] [--model lexical|minilm|tiny] [--models-dir .models] [--fresh <share of never-seen queries>=0.2] [--timeout <s per request>=10] [--cpu-prof <dir>: write the server's V8 CPU profile there]`;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const duration = Number(args.duration);
const connections = Number(args.connections);
const fresh = Number(args.fresh);
const timeout = Number(args.timeout);
const model = args.model;
if (!isTestModelKind(model) || !(duration > 0) || !(connections > 0) || !(fresh >= 0 && fresh <= 1) || !(timeout > 0)) {
  console.error(USAGE);
  process.exit(2);
}

const MAIN = path.resolve('src/cli/main.ts');

const QUERIES = [
  'disentanglement in diffusion', 'image tokenizer', 'unsupervised representation learning', 'text-to-image personalization',
  'identity preserving subject-driven generation', 'mode collapse in GANs', 'medical image generation long tail',
  'latent space traversal', 'vision transformer', 'self-supervised learning', 'causal representation', 'video generation',
  'contrastive learning of visual features', 'variational autoencoder', 'disentangled representations of faces',
  'factorized visual tokenization', 'multi-view representation learning', 'counterfactual image editing', 'style and content',
  'NEAR("diffusion" model) OR -tokenizer*', 'what is the best way to disentangle factors of variation in a generative model?',
];
const WORDS = 'diffusion disentangled representation image text video model latent generation learning visual token attention style identity causal factor editing robust semantic'.split(' ');
const MODES = ['hybrid', 'semantic', 'keyword'] as const;
const FILTERS = ['', '', '', '&has_code=true', '&published_from=2024-01-01', '&min_upvotes=1', '&offset=10', '&published_from=2023-01-01&published_to=2025-12-31'];
const KS = [5, 10, 10, 20, 50];

/** The query mix: a seeded stream of /search paths, every one of them valid. */
function queryMix(seed: number): { path: () => string; fixed: string[] } {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const build = (q: string) => `/search?q=${encodeURIComponent(q)}&mode=${pick(MODES)}&k=${pick(KS)}${pick(FILTERS)}`;
  const fixed = Array.from({ length: 200 }, () => build(pick(QUERIES)));
  let serial = 0;
  // A never-seen query misses the query-embedding cache, so semantic and hybrid run the model.
  const novel = () => build(`${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} q${seed}x${serial++}`);
  return { fixed, path: () => (random() < fresh ? novel() : pick(fixed)) };
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', MAIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, base: match[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const modelsDir = path.resolve(args['models-dir']);
console.error(`model: generating/checking ${model} in ${modelsDir}`);
await writeTestModel(model, modelsDir);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'paperseek-load-'));
console.error(`starting paperseek serve on ${dataDir} (ingests the bundled sample)`);
const { child, base } = await startServer({
  PORT: '0',
  HOST: '127.0.0.1',
  PAPERSEEK_MODEL_DIR: modelsDir,
  PAPERSEEK_MODEL: model,
  PAPERSEEK_DATA_DIR: dataDir,
  // Every load connection comes from 127.0.0.1: lift the per-address cap (default 64) and the
  // total cap above the connection count, so the test measures serving, not admission.
  PAPERSEEK_MAX_CONNECTIONS_PER_IP: '0',
  PAPERSEEK_MAX_CONNECTIONS: String(Math.max(1024, 2 * connections)),
});

let failed = false;
try {
  const seed = 4;
  const mix = queryMix(seed);
  // Every query in the mix must be valid, or non-2xx answers under load would mean nothing.
  for (const url of mix.fixed) {
    const response = await fetch(base + url);
    if (response.status !== 200) throw new Error(`warm-up: ${url} answered ${response.status}: ${await response.text()}`);
  }
  const health = (await (await fetch(`${base}/health`)).json()) as { papers: number; model: { id: string } };
  console.error(`${health.papers} papers, model ${health.model.id}; ${duration} s at ${connections} connections against ${base}/search (${Math.round(fresh * 100)}% never-seen queries)`);

  const result = await autocannon({
    url: base,
    connections,
    duration,
    timeout,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: mix.path() }) }],
  });

  const summary = {
    model,
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
      `load test: ${summary.requests} requests in ${duration} s at ${connections} connections (${model} model, ${health.papers} papers)`,
      `  requests/s  ${summary.requests_per_s} (average)`,
      `  latency     p50 ${summary.latency_ms.p50} ms, p90 ${summary.latency_ms.p90} ms, p99 ${summary.latency_ms.p99} ms, max ${summary.latency_ms.max} ms`,
      `  2xx ${summary.ok_2xx}, non-2xx ${summary.non_2xx}, errors ${summary.errors}, timeouts ${summary.timeouts}`,
    ].join('\n'),
  );
  console.log(JSON.stringify(summary));
  failed = summary.non_2xx > 0 || summary.errors > 0 || summary.timeouts > 0;
  if (failed) console.error('FAIL: valid queries produced errors or non-2xx answers');
} finally {
  await stop(child);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
