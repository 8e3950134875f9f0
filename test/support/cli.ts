// Runs the real CLI (`tsx src/cli/main.ts …`) as a child process, as a user would (runCli,
// startServer). The same program in this process, over string buffers: ./command.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { type ReadyEvent, type WaitForReadyOptions, watchReady } from '../../src/log/ready.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
const MAIN = path.resolve('src/cli/main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `input`, when given, is written to the command's standard input (for `ingest -`). */
export function runCli(args: string[], env: Record<string, string>, input?: Buffer | string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface StartedServer {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, from the ready event. */
  base: string;
  ready: ReadyEvent;
  /** Everything the server has written so far (stdout and stderr, in arrival order). */
  log: () => string;
}

export interface StartServerOptions extends WaitForReadyOptions {
  /** Arguments after `serve` (e.g. ['--workers', '2']). */
  args?: string[];
  /** Run node on the compiled dist/cli/main.js (the build test) instead of tsx on the sources. */
  command?: { file: string; args: string[] };
}

/**
 * Starts `paperseek serve` (PORT=0 unless `env` sets it) and resolves once it writes its ready
 * event (src/log/ready.ts). Rejects with the server's stderr when it exits first or stays silent
 * past the timeout (default 60 s), killing it in the latter case.
 */
export async function startServer(env: Record<string, string | undefined>, options: StartServerOptions = {}): Promise<StartedServer> {
  const [file, prefix] = options.command ? [options.command.file, options.command.args] : [TSX, [MAIN]];
  const child = spawn(file, [...prefix, 'serve', ...(options.args ?? [])], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watch = watchReady(child, options);
  try {
    const ready = await watch.ready;
    return { child, base: ready.url, ready, log: watch.output };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}
