// The server's ready event: one structured log line, `"event":"ready"`, written once `serve` answers
// HTTP (in cluster mode, once every worker listens). It is the contract between `serve` and
// whatever starts it (tests, benchmarks, scripts, supervisors): they wait for this line on the
// child's standard output instead of matching human-readable text or polling /health.
//
//   {"level":30,"time":"…","pid":4242,"hostname":"…","event":"ready","url":"http://127.0.0.1:3000",
//    "host":null,"port":3000,"workers":1,"pids":[4242],"papers":68,"generation":3,"msg":"ready"}
//
// It is written at info level whatever PAPERSEEK_LOG_LEVEL says (a parent must never wait for a line
// a quiet log level dropped), as JSON whenever standard output is not a terminal.
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

export const READY_EVENT = 'ready';

export interface ReadyEvent {
  event: typeof READY_EVENT;
  /** An address to connect to: loopback when the server listens on every interface. */
  url: string;
  /** HOST as configured; null when listening on every interface. */
  host: string | null;
  port: number;
  workers: number;
  /** The processes answering HTTP (the workers in cluster mode). */
  pids: number[];
  papers: number;
  /** The index generation served (absent in cluster mode, where each worker reloads on its own). */
  generation?: number;
}

/** The URL a client on this machine uses to reach a server listening on `host`:`port`. */
export function connectUrl(host: string | undefined, port: number): string {
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::') return `http://127.0.0.1:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** Writes the ready event through `logger`, at info level even when the logger's level is higher. */
export function logReady(logger: Logger, event: Omit<ReadyEvent, 'event' | 'url'>): ReadyEvent {
  const ready: ReadyEvent = { event: READY_EVENT, url: connectUrl(event.host ?? undefined, event.port), ...event };
  logger.child({}, { level: 'info' }).info(ready, READY_EVENT);
  return ready;
}

/** The ready event in one line of output, or undefined when the line is something else. */
export function parseReadyLine(line: string): ReadyEvent | undefined {
  if (!line.includes('"event":"ready"')) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<ReadyEvent>;
    return parsed.event === READY_EVENT && typeof parsed.url === 'string' ? (parsed as ReadyEvent) : undefined;
  } catch {
    return undefined;
  }
}

export interface WaitForReadyOptions {
  /** Give up after this long (the child is left running: the caller owns it); default 60 s. */
  timeoutMs?: number;
  /** What the error calls the child (default "serve"). */
  name?: string;
  /** Keep what the child writes after the ready event, for output() (default true; benchmarks drop it). */
  retainOutput?: boolean;
}

export interface ServerWatch {
  /** The ready event, once written; rejects when the child exits first or the timeout passes. */
  ready: Promise<ReadyEvent>;
  /** Everything the child has written so far, stdout and stderr in arrival order. */
  output(): string;
  stderr(): string;
}

/**
 * Watches a started `paperseek serve` (stdout and stderr piped) for its ready event. The error of a
 * child that exits first or stays silent past the timeout carries its stderr (and any other
 * stdout). Keeps draining both pipes afterwards, so a chatty server never blocks on a full pipe.
 */
export function watchReady(child: ChildProcess, options: WaitForReadyOptions = {}): ServerWatch {
  const { timeoutMs = 60_000, name = 'serve', retainOutput = true } = options;
  if (!child.stdout) throw new Error("watchReady needs the child's stdout piped (stdio: ['ignore', 'pipe', 'pipe'])");
  let stdout = '';
  let stderr = '';
  let output = '';
  let pending = '';
  let settle: { resolve(event: ReadyEvent): void; reject(error: Error): void } | undefined;
  const ready = new Promise<ReadyEvent>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const finish = (outcome: ReadyEvent | Error) => {
    if (!settle) return;
    const { resolve, reject } = settle;
    settle = undefined;
    clearTimeout(timer);
    child.off('exit', onExit);
    child.off('error', onError);
    if (outcome instanceof Error) reject(outcome);
    else resolve(outcome);
  };
  const failure = (what: string) =>
    new Error(`${name} ${what} before its ready event.\n--- stderr ---\n${stderr.trimEnd() || '(empty)'}\n--- stdout ---\n${stdout.trimEnd() || '(empty)'}`);
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => finish(failure(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  const onError = (error: Error) => finish(failure(`failed to start (${error.message})`));
  const timer = setTimeout(() => finish(failure(`wrote no ready event within ${timeoutMs} ms`)), timeoutMs);
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    if (!settle && !retainOutput) return;
    stdout += chunk;
    output += chunk;
    if (!settle) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const event = parseReadyLine(line);
      if (event) return finish(event);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (!settle && !retainOutput) return;
    stderr += chunk;
    output += chunk;
  });
  child.once('exit', onExit);
  child.once('error', onError);
  return { ready, output: () => output, stderr: () => stderr };
}

/** Resolves with the ready event of a started `paperseek serve`: see watchReady. */
export const waitForReady = (child: ChildProcess, options?: WaitForReadyOptions): Promise<ReadyEvent> => watchReady(child, options).ready;
