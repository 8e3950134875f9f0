// `serve --workers N` (N > 1): node:cluster with one shared listening port. The primary does the
// start-up work that must happen once (the plan's `prepare`: the writer's open and checks, the
// sample ingest into an empty index), then forks N workers, each a read-only reader of the index
// that reloads new generations on its own, like the single-process server. The primary does not
// serve; it:
//   - prints the "listening on" line once, when every worker listens, and calls the plan's
//     `ready` (which writes the ready event, src/log/ready.ts);
//   - exits non-zero with the worker's error when a worker cannot start (bad config, port in
//     use, …) — no restarts before the server has been up;
//   - replaces a worker that dies later, after a backoff that doubles with each death in the last
//     minute (0.25 s … 30 s), so a crash loop does not spin;
//   - forwards SIGTERM/SIGINT to the workers (each finishes its requests in flight) and exits
//     when they have;
//   - runs the one storage quick_check for /health and tells every worker its verdict;
//   - runs the plan's background work (the PAPERSEEK_SYNC scheduler) once all workers listen,
//     and stops it (SIGTERM to a running sync) before it exits;
//   - answers a worker's request for the cluster's /metrics: it asks every listening worker for
//     its metrics (waiting at most METRICS_WAIT_MS) and hands them to the plan's aggregateMetrics.
// Connections are handed to the workers in turn (node's default round-robin scheduling), and
// every answer names the worker's pid in `x-paperseek-worker`.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { StorageStatus } from '../store/health.ts';

export const WORKER_HEADER = 'x-paperseek-worker';

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
const BACKOFF_WINDOW_MS = 60_000;
/** How long the primary waits for the workers' metrics; a worker that has not answered by then is left out. */
const METRICS_WAIT_MS = 2_000;

export interface ServingWorker {
  port: number;
  papers: number;
  /** Takes the verdict of the primary's storage check, for /health. */
  noteStorage(status: StorageStatus): void;
  /** This worker's metrics, for the primary to aggregate (plain data). */
  metricsJson?(): Promise<unknown>;
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
  /** Primary, once, when every worker listens: the port, the papers the first worker saw, the workers' pids. */
  ready?(cluster: { port: number; papers: number; pids: number[] }): void;
  /** Primary: the workers' metrics (each worker's metricsJson) as one text; without it, /metrics of the cluster fails. */
  aggregateMetrics?(parts: unknown[]): Promise<string>;
  /**
   * Worker: opens the index and listens. `first` (the first worker of this start) prints the
   * start-up notes; `onServer` gets the HTTP server before it accepts its first connection;
   * `clusterMetrics` asks the primary for every worker's metrics, aggregated.
   */
  serve(worker: { first: boolean; onServer: (server: Server) => void; clusterMetrics: () => Promise<string> }): Promise<ServingWorker>;
}

type ToPrimary =
  | { paperseek: 'listening'; port: number; papers: number }
  | { paperseek: 'failed'; message: string }
  | { paperseek: 'metrics-request'; id: number }
  | { paperseek: 'metrics-part'; id: number; metrics: unknown };
type ToWorker =
  | { paperseek: 'storage'; status: StorageStatus }
  | { paperseek: 'metrics-collect'; id: number }
  | { paperseek: 'metrics'; id: number; text?: string; error?: string };

/** Runs the primary's part in the primary and the worker's part in a worker (which runs the same command line). */
export function serveCluster(plan: ClusterPlan): Promise<void> {
  return cluster.isPrimary ? runPrimary(plan) : runWorker(plan);
}

async function runWorker(plan: ClusterPlan): Promise<void> {
  const send = (message: ToPrimary, then?: () => void) => process.send!(message, undefined, undefined, then);
  let serving: ServingWorker | undefined;
  // /metrics: this worker asks the primary, which collects every worker's metrics (this one's too).
  const metricsAsked = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextMetricsId = 0;
  const clusterMetrics = () =>
    new Promise<string>((resolve, reject) => {
      const id = nextMetricsId++;
      metricsAsked.set(id, { resolve, reject });
      send({ paperseek: 'metrics-request', id });
    });
  process.on('message', (message: ToWorker) => {
    if (message?.paperseek === 'metrics') {
      const asked = metricsAsked.get(message.id);
      metricsAsked.delete(message.id);
      if (message.text !== undefined) asked?.resolve(message.text);
      else asked?.reject(new Error(`the cluster's metrics could not be collected: ${message.error}`));
    } else if (message?.paperseek === 'metrics-collect') {
      const part = serving?.metricsJson?.() ?? Promise.resolve(null);
      void part.catch(() => null).then((metrics) => send({ paperseek: 'metrics-part', id: message.id, metrics }));
    }
  });
  try {
    serving = await plan.serve({
      first: cluster.worker!.id === 1,
      onServer: (server) => server.prependListener('request', (_request, response) => response.setHeader(WORKER_HEADER, String(process.pid))),
      clusterMetrics,
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
  const served = serving;
  process.on('message', (message: ToWorker) => {
    if (message?.paperseek === 'storage') served.noteStorage(message.status);
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void served.close().then(() => process.exit(0));
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

  // A worker's /metrics: ask every listening worker for its metrics, aggregate what comes in time.
  const collecting = new Map<number, (metrics: unknown) => void>();
  let nextCollect = 0;
  const collectMetrics = (requester: Worker, requestId: number) => {
    const reply = (answer: { text: string } | { error: string }) => {
      if (requester.isConnected()) requester.send({ paperseek: 'metrics', id: requestId, ...answer } satisfies ToWorker);
    };
    const aggregate = plan.aggregateMetrics;
    if (!aggregate) return reply({ error: 'this server does not aggregate metrics' });
    const id = nextCollect++;
    const targets = [...listening].filter((worker) => worker.isConnected());
    const parts: unknown[] = [];
    let waiting = targets.length;
    const finish = () => {
      if (!collecting.delete(id)) return;
      clearTimeout(timer);
      aggregate(parts).then(
        (text) => reply({ text }),
        (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
      );
    };
    const timer = setTimeout(finish, METRICS_WAIT_MS);
    collecting.set(id, (metrics) => {
      if (metrics !== null && metrics !== undefined) parts.push(metrics);
      if (--waiting <= 0) finish();
    });
    for (const worker of targets) worker.send({ paperseek: 'metrics-collect', id } satisfies ToWorker);
    if (waiting === 0) finish();
  };

  const fork = (replaces?: number) => {
    const worker = cluster.fork();
    const pid = worker.process.pid;
    live.add(worker);
    worker.on('message', (message: ToPrimary) => {
      if (message?.paperseek === 'metrics-request') {
        collectMetrics(worker, message.id);
      } else if (message?.paperseek === 'metrics-part') {
        collecting.get(message.id)?.(message.metrics);
      } else if (message?.paperseek === 'failed') {
        if (phase === 'starting') failedToStart(message.message);
        else if (phase === 'serving') process.stderr.write(`paperseek: worker ${pid} could not start: ${message.message}`);
      } else if (message?.paperseek === 'listening') {
        listening.add(worker);
        tellStorage(worker);
        if (replaces !== undefined) console.error(`paperseek: worker ${pid} listening (replaces ${replaces})`);
        if (phase === 'starting' && listening.size === plan.workers) {
          phase = 'serving';
          const pids = [...listening].map((w) => w.process.pid!);
          console.error(
            `paperseek: ${message.papers} papers, listening on http://${plan.host ?? 'localhost'}:${message.port} (${plan.workers} workers, pids ${pids.join(', ')})`,
          );
          background = plan.startBackground?.();
          plan.ready?.({ port: message.port, papers: message.papers, pids });
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
