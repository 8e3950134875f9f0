// Start the real server (`src/cli/main.ts serve`) for a benchmark and measure it over HTTP:
// sequential requests (exact client-side latency) and autocannon at a given concurrency. A server
// is up when it writes its ready event (src/log/ready.ts), as for the tests and the other scripts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { watchReady } from '../../../src/log/ready.ts';
import { fixed, log, now, summary } from './report.ts';

export type Mode = 'semantic' | 'keyword' | 'hybrid';

export function serverEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PAPERSEEK_DATA_DIR: dataDir,
    PAPERSEEK_MODEL_DIR: path.resolve('.models'),
    PAPERSEEK_MODEL: 'minilm',
    PAPERSEEK_DTYPE: 'q8',
    PAPERSEEK_QUERY_CACHE_SIZE: '0',
  };
}

export const CLI = ['src/cli/main.ts', 'serve'];
export const BENCH_SERVER = [path.join(import.meta.dirname, '..', 'query-server.ts')];

/** Starts `command` (the CLI's `serve`, or BENCH_SERVER) and resolves once it writes its ready event. */
export async function startServer(dataDir: string, port: number, command = CLI, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...command], {
    env: { ...serverEnv(dataDir, port), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = now();
  try {
    await watchReady(child, { timeoutMs: 120_000, name: command.join(' '), retainOutput: false }).ready;
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
  log(`server ready in ${fixed((now() - started) / 1000)} s: ${JSON.stringify(health).slice(0, 160)}`);
  return child;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export const searchPath = (query: string, mode: Mode, k: number) => `/search?q=${encodeURIComponent(query)}&k=${k}&mode=${mode}`;

/** A mode counts as available when the server answers 200 and echoes it back. */
export async function available(port: number, mode: Mode, query: string): Promise<string | true> {
  const response = await fetch(`http://127.0.0.1:${port}${searchPath(query, mode, 10)}`);
  if (!response.ok) return `HTTP ${response.status}`;
  const body = (await response.json()) as { mode?: string };
  return body.mode === mode ? true : `response has no mode=${mode} echo`;
}

export interface LoadResult {
  mode: Mode;
  connections: number;
  requests: number;
  rps: number;
  latency: Record<string, number>;
  non2xx: number;
  errors: number;
}

export function load(port: number, mode: Mode, connections: number, duration: number, queries: readonly string[], k: number): Promise<LoadResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: searchPath(queries[next++ % queries.length]!, mode, k) }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        if (next > queries.length) log(`  warning: ${next} requests > ${queries.length} distinct queries; some repeated`);
        resolve({
          mode,
          connections,
          requests: result.requests.total,
          rps: result.requests.average,
          latency: result.latency as unknown as Record<string, number>,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
  });
}

/** Sequential requests from a plain client: exact per-request latency (autocannon rounds to ms). */
export async function sequential(port: number, mode: Mode, queries: readonly string[], k: number) {
  const times: number[] = [];
  for (const query of queries) {
    const t = now();
    const response = await fetch(`http://127.0.0.1:${port}${searchPath(query, mode, k)}`);
    await response.arrayBuffer();
    times.push(now() - t);
  }
  return summary(times);
}
