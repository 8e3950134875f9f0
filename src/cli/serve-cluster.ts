// `serve --workers N` (N > 1): node:cluster with one shared listening port. The primary does the
// start-up work that must happen once (the plan's `prepare`: the writer's open and checks, the
// sample ingest into an empty index), then forks N workers, each a read-only reader of the index
// that reloads new generations on its own, like the single-process server. The primary does not
// serve; it:
//   - prints the "listening on" line once, when every worker listens;
//   - exits non-zero with the worker's error when a worker cannot start (bad config, port in
//     use, …) — no restarts before the server has been up;
//   - replaces a worker that dies later, after a backoff that doubles with each death in the last
//     minute (0.25 s … 30 s), so a crash loop does not spin;
//   - forwards SIGTERM/SIGINT to the workers (each finishes its requests in flight) and exits
//     when they have;
//   - runs the one storage quick_check for /health and tells every worker its verdict;
//   - runs the plan's background work (the PAPERSEEK_SYNC scheduler) once all workers listen,
//     and stops it (SIGTERM to a running sync) before it exits.
// Connections are handed to the workers in turn (node's default round-robin scheduling), and
// every answer names the worker's pid in `x-paperseek-worker`.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { StorageStatus } from '../store/health.ts';

export const WORKER_HEADER = 'x-paperseek-worker';

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
const BACKOFF_WINDOW_MS = 60_000;

export interface ServingWorker {
  port: number;
  papers: number;
  /** Takes the verdict of the primary's storage check, for /health. */
  noteStorage(status: StorageStatus): void;
  /** Stops accepting, finishes requests in flight, closes the index. */
  close(): Promise<void>;
}

export interface ClusterPlan {
  workers: number;
  /** For the "listening on" line. */
  host: string | undefined;
  /** Primary, once, before any worker starts. */
  prepare(): Promise<void>;
  /** Primary, once, while the workers start. */
  checkStorage(): Promise<StorageStatus>;
  /** Primary, once, when every worker listens; stopped when the server stops. */
  startBackground?(): { stop(): Promise<void> };
  /**
   * Worker: opens the index and listens. `first` (the first worker of this start) prints the
   * start-up notes; `onServer` gets the HTTP server before it accepts its first connection.
   */
  serve(worker: { first: boolean; onServer: (server: Server) => void }): Promise<ServingWorker>;
}

type ToPrimary = { paperseek: 'listening'; port: number; papers: number } | { paperseek: 'failed'; message: string };
type ToWorker = { paperseek: 'storage'; status: StorageStatus };

/** Runs the primary's part in the primary and the worker's part in a worker (which runs the same command line). */
export function serveCluster(plan: ClusterPlan): Promise<void> {
  return cluster.isPrimary ? runPrimary(plan) : runWorker(plan);
}

async function runWorker(plan: ClusterPlan): Promise<void> {
  const send = (message: ToPrimary, then?: () => void) => process.send!(message, undefined, undefined, then);
  let serving: ServingWorker;
  try {
    serving = await plan.serve({
      first: cluster.worker!.id === 1,
      onServer: (server) => server.prependListener('request', (_request, response) => response.setHeader(WORKER_HEADER, String(process.pid))),
    });
  } catch (error) {
    // The primary prints it once (every worker would fail alike) and stops; imported late, as
    // program.ts imports the serve command and through it this module.
    const { reportError } = await import('./program.ts');
    let message = '';
    const code = reportError(error, (text) => (message += text));
    send({ paperseek: 'failed', message }, () => process.exit(code));
    return;
  }
  process.on('message', (message: ToWorker) => {
    if (message?.paperseek === 'storage') serving.noteStorage(message.status);
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void serving.close().then(() => process.exit(0));
  };
  // SIGTERM from the primary; SIGINT too when Ctrl-C reaches the whole process group.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  send({ paperseek: 'listening', port: serving.port, papers: serving.papers });
}

async function runPrimary(plan: ClusterPlan): Promise<void> {
  await plan.prepare();
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  let exitCode = 0;
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  const deaths: number[] = [];
  let storage: StorageStatus | undefined;
  let background: { stop(): Promise<void> } | undefined;
  /** Set once the background work has stopped (or never started) during shutdown. */
  let backgroundStopped = false;
  const exitWhenDone = () => {
    if (phase === 'stopping' && live.size === 0 && backgroundStopped) process.exit(exitCode);
  };

  const tellStorage = (worker: Worker) => {
    if (storage && worker.isConnected()) worker.send({ paperseek: 'storage', status: storage } satisfies ToWorker);
  };
  void plan.checkStorage().then((status) => {
    storage = status;
    for (const worker of listening) tellStorage(worker);
  });

  const stopAll = (code: number) => {
    if (phase === 'stopping') return;
    phase = 'stopping';
    exitCode = code;
    for (const timer of restarts) clearTimeout(timer);
    for (const worker of live) worker.process.kill('SIGTERM');
    const stopping = background?.stop() ?? Promise.resolve();
    void stopping
      .catch((error: unknown) => console.error('paperseek: stopping the background work failed:', error))
      .then(() => {
        backgroundStopped = true;
        exitWhenDone();
      });
  };

  // A worker that cannot start: its error, once, and no retries (every worker would fail alike).
  const failedToStart = (message: string) => {
    if (phase !== 'starting') return;
    process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
    stopAll(1);
  };

  const fork = (replaces?: number) => {
    const worker = cluster.fork();
    const pid = worker.process.pid;
    live.add(worker);
    worker.on('message', (message: ToPrimary) => {
      if (message?.paperseek === 'failed') {
        if (phase === 'starting') failedToStart(message.message);
        else if (phase === 'serving') process.stderr.write(`paperseek: worker ${pid} could not start: ${message.message}`);
      } else if (message?.paperseek === 'listening') {
        listening.add(worker);
        tellStorage(worker);
        if (replaces !== undefined) console.error(`paperseek: worker ${pid} listening (replaces ${replaces})`);
        if (phase === 'starting' && listening.size === plan.workers) {
          phase = 'serving';
          const pids = [...listening].map((w) => w.process.pid).join(', ');
          console.error(`paperseek: ${message.papers} papers, listening on http://${plan.host ?? 'localhost'}:${message.port} (${plan.workers} workers, pids ${pids})`);
          background = plan.startBackground?.();
        }
      }
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      const wasListening = listening.delete(worker);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (phase === 'stopping') {
        exitWhenDone();
      } else if (phase === 'starting') {
        failedToStart(`error: worker ${pid} ${how} before it listened`);
      } else {
        restartLater(pid, wasListening ? how : `${how} before it listened`);
      }
    });
  };

  const restartLater = (pid: number | undefined, how: string) => {
    const now = Date.now();
    deaths.push(now);
    while (deaths[0]! < now - BACKOFF_WINDOW_MS) deaths.shift();
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (deaths.length - 1));
    const recent = deaths.length > 1 ? `; ${deaths.length} deaths in the last minute` : '';
    console.error(`paperseek: worker ${pid} ${how}; starting a replacement in ${delay} ms${recent}`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (phase === 'serving') fork(pid);
    }, delay);
    restarts.add(timer);
  };

  process.once('SIGTERM', () => stopAll(0));
  process.once('SIGINT', () => stopAll(0));
  for (let i = 0; i < plan.workers; i++) fork();
}
