// Read replicas behind HAProxy, on loopback (not part of `npm test`; needs Debian's haproxy):
// builds an index (the bundled sample, embedded with a generated test model), starts 2 `paperseek
// serve --workers 1` replicas on it and HAProxy in front (scripts/haproxy/paperseek.cfg), then
// drives GET /search through HAProxy with autocannon while it
//   - kills one replica with SIGKILL (--kill-at), restarts it (--restart-at), and
//   - runs an ingest on the shared index (--ingest-at), publishing a new generation;
// and prints the requests, errors and non-2xx answers, the timeline (kill, HAProxy marking the
// replica down and up again, restart, ingest, each replica serving the new papers), and the
// requests answered per second. Exits 1 if a request failed or a replica missed the new papers.
//
//   npm run replicas
//   npm run replicas -- --duration 60 --connections 32 --kill-at 10 --restart-at 20 --ingest-at 25
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { watchReady } from '../src/log/ready.ts';
import { parseOptions } from './bench/lib/args.ts';
import { freePort } from './bench/lib/ports.ts';
import { writeTestModel } from './test-model/index.ts';

const USAGE =
  'usage: npm run replicas -- [--duration <s>=40] [--connections <n>=16] [--kill-at <s>=8] [--restart-at <s>=14] [--ingest-at <s>=16]\n' +
  '  [--model lexical|tiny|minilm] [--extra <JSON Lines file ingested mid-load>=SciFact] [--extra-papers <n>=300]';
const { values: args } = parseOptions(
  process.argv.slice(2),
  {
    duration: { type: 'string', default: '40' },
    connections: { type: 'string', default: '16' },
    'kill-at': { type: 'string', default: '8' },
    'restart-at': { type: 'string', default: '14' },
    'ingest-at': { type: 'string', default: '16' },
    model: { type: 'string', default: 'lexical' },
    extra: { type: 'string', default: '../shared/beir/scifact/corpus.jsonl' },
    'extra-papers': { type: 'string', default: '300' },
  },
  USAGE,
);
const duration = Number(args.duration);
const killAt = Number(args['kill-at']);
const restartAt = Number(args['restart-at']);
const ingestAt = Number(args['ingest-at']);

if (spawnSync('haproxy', ['-v']).error) {
  console.error('haproxy is not installed: apt-get install -y haproxy (.ci/run installs it)');
  process.exit(1);
}

const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const CONFIG = path.join(ROOT, 'scripts/haproxy/paperseek.cfg');
const work = mkdtempSync(path.join(os.tmpdir(), 'paperseek-replicas-'));
const dataDir = path.join(work, 'index');
const modelsDir = path.join(ROOT, '.models');
await writeTestModel(args.model as 'lexical', modelsDir);
const env = {
  ...process.env,
  HOST: '127.0.0.1',
  PAPERSEEK_DATA_DIR: dataDir,
  PAPERSEEK_MODEL_DIR: modelsDir,
  PAPERSEEK_MODEL: args.model,
  PAPERSEEK_RELOAD_MS: '500',
  // Behind HAProxy every request comes from its address: limit clients at the proxy instead.
  PAPERSEEK_MAX_CONNECTIONS_PER_IP: '0',
};

let started = performance.now();
const t = () => (performance.now() - started) / 1000;
const timeline: [number, string][] = [];
const event = (text: string) => {
  timeline.push([t(), text]);
  console.error(`${t().toFixed(2).padStart(7)} s  ${text}`);
};

function run(cliArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...cliArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`paperseek ${cliArgs.join(' ')} exited with ${code}:\n${output}`))));
  });
}

/** A replica, up once it writes its ready event (src/log/ready.ts); its request log is not kept. */
async function startReplica(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--workers', '1', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await watchReady(child, { name: `replica on :${port}`, retainOutput: false }).ready;
  return child;
}

// 1. The index: the bundled sample, embedded.
await run(['ingest', '--captured-year', '2025', path.join(ROOT, 'data/sample/000_15e46c23e16ff53f.txt')]);
// The papers ingested mid-load (a slice of SciFact by default).
const extraFile = path.join(work, 'extra.jsonl');
if (!existsSync(args.extra)) throw new Error(`${args.extra} not found: pass --extra <JSON Lines file of papers>`);
const extraLines = readFileSync(args.extra, 'utf8').split('\n').filter(Boolean).slice(0, Number(args['extra-papers']));
writeFileSync(extraFile, `${extraLines.join('\n')}\n`);
const probe = JSON.parse(extraLines.at(-1)!) as { id: string | number; title: string };

// 2. Two replicas and HAProxy.
const ports = [await freePort(), await freePort()];
const replicas = await Promise.all(ports.map((port) => startReplica(port)));
const lbPort = await freePort();
const statsPort = await freePort();
const haproxy = spawn('haproxy', ['-f', CONFIG, '-db'], {
  env: {
    ...process.env,
    PAPERSEEK_LB_BIND: `127.0.0.1:${lbPort}`,
    PAPERSEEK_LB_STATS_BIND: `127.0.0.1:${statsPort}`,
    PAPERSEEK_REPLICA_1: `127.0.0.1:${ports[0]}`,
    PAPERSEEK_REPLICA_2: `127.0.0.1:${ports[1]}`,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let haproxyLog = '';
haproxy.stdout!.on('data', (chunk) => (haproxyLog += chunk));
haproxy.stderr!.on('data', (chunk) => (haproxyLog += chunk));

/** r1/r2 status as HAProxy sees it (UP, DOWN, "UP 1/2"…), from its CSV stats. */
async function backendStates(): Promise<Record<string, string>> {
  const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const columns = header!.split(',');
  const name = columns.indexOf('svname');
  const status = columns.indexOf('status');
  const states: Record<string, string> = {};
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[0] === 'replicas' && /^r\d$/.test(cells[name]!)) states[cells[name]!] = cells[status]!;
  }
  return states;
}
for (;;) {
  try {
    const states = await backendStates();
    if (states.r1 === 'UP' && states.r2 === 'UP') break;
  } catch {
    // HAProxy not listening yet
  }
  if (haproxy.exitCode !== null) throw new Error(`haproxy exited:\n${haproxyLog}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
started = performance.now(); // the timeline counts from here
event(`2 replicas (:${ports[0]}, :${ports[1]}) UP behind HAProxy :${lbPort}; load starts`);

// 3. Watch HAProxy's view of the replicas.
let watching = true;
const watcher = (async () => {
  let last: Record<string, string> = {};
  while (watching) {
    try {
      const states = await backendStates();
      for (const [server, state] of Object.entries(states))
        if (last[server] !== undefined && last[server] !== state) event(`HAProxy: ${server} ${last[server]} → ${state}`);
      last = states;
    } catch {
      // keep watching
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();

// 4. The load, with the kill, the restart and the ingest on a schedule.
const QUERIES = [
  'diffusion',
  'disentanglement in diffusion',
  'video generation',
  'large language models reasoning',
  'vision transformer',
  'protein structure',
  'tumor suppressor',
  'gene expression in cancer',
  'reinforcement learning from human feedback',
  'image tokenization',
  'mitochondria',
  'immune response',
  'speech recognition',
  'retrieval augmented generation',
  'cell proliferation',
];
const MODES = ['hybrid', 'keyword', 'semantic'];
let next = 0;
const perSecond: { ok: number; failed: number }[] = [];
const failures: [number, string][] = [];
const bucket = () => (perSecond[Math.floor(t())] ??= { ok: 0, failed: 0 });
let finished!: (result: autocannon.Result) => void;
const loadDone = new Promise<autocannon.Result>((resolve) => (finished = resolve));
const instance = autocannon(
  {
    url: `http://127.0.0.1:${lbPort}`,
    connections: Number(args.connections),
    duration,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const n = next++;
          return { ...request, path: `/search?q=${encodeURIComponent(QUERIES[n % QUERIES.length]!)}&mode=${MODES[n % MODES.length]}&k=10` };
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    finished(result);
  },
);
instance.on('response', (_client: unknown, status: number) => {
  if (status >= 200 && status < 300) bucket().ok++;
  else {
    bucket().failed++;
    failures.push([t(), `HTTP ${status}`]);
  }
});
instance.on('reqError', (error: Error) => {
  bucket().failed++;
  failures.push([t(), error.message]);
});
const at = (seconds: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, started + seconds * 1000 - performance.now())));

const schedule = (async () => {
  await at(killAt);
  process.kill(replicas[0]!.pid!, 'SIGKILL');
  event(`kill -9 replica r1 (pid ${replicas[0]!.pid})`);
  await at(restartAt);
  event('restarting r1');
  replicas[0] = await startReplica(ports[0]!);
  event('r1 ready again (its ready event)');
})();

const publish = (async () => {
  await at(ingestAt);
  event(`ingest of ${extraLines.length} papers into the shared index starts`);
  const output = await run(['ingest', extraFile]);
  event(`ingest done, new generation published: ${/ingest done: .*/.exec(output)?.[0] ?? ''}`);
  // Each replica, asked directly: does semantic search (the HNSW generation) know the new papers?
  const seen = await Promise.all(
    ports.map(async (port, i) => {
      for (let tries = 0; tries < 100; tries++) {
        const response = await fetch(`http://127.0.0.1:${port}/search?q=${encodeURIComponent(probe.title)}&mode=semantic&k=1`).catch(() => undefined);
        const body = response?.ok ? ((await response.json()) as { results: { id: string }[] }) : undefined;
        if (body?.results[0]?.id === String(probe.id)) {
          event(`r${i + 1} serves the new generation (semantic search finds paper ${probe.id})`);
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      event(`r${i + 1} did NOT pick up the new generation within 10 s`);
      return false;
    }),
  );
  return seen.every(Boolean);
})();

const result = await loadDone;
event('load ends');
await schedule;
const allSeen = await publish;
watching = false;
await watcher;
haproxy.kill('SIGTERM');
for (const replica of replicas) replica.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });

const failed = result.errors + result.non2xx + result.timeouts;
console.log(`\nreplicas behind HAProxy: ${duration} s, ${args.connections} connections, modes ${MODES.join('/')}, model ${args.model}`);
console.log(
  `requests: ${result.requests.total} (${result.requests.average.toFixed(0)}/s), 2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
);
console.log(`latency ms: p50 ${result.latency.p50}, p99 ${result.latency.p99}, max ${result.latency.max}`);
console.log('timeline:');
for (const [time, text] of timeline) console.log(`  ${time.toFixed(2).padStart(7)} s  ${text}`);
if (failures.length > 0) {
  console.log(`failed requests (${failures.length}), first 10:`);
  for (const [time, text] of failures.slice(0, 10)) console.log(`  ${time.toFixed(2).padStart(7)} s  ${text}`);
}
console.log('answered per second: ' + perSecond.map((s, i) => `${i}:${s?.ok ?? 0}${s?.failed ? `(-${s.failed})` : ''}`).join(' '));
if (failed > 0 || !allSeen) process.exitCode = 1;
