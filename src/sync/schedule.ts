// `serve` keeping itself current (PAPERSEEK_SYNC="hf-daily@6h,arxiv:cs@24h"): one scheduler per
// server — in the process itself with --workers 1, in the cluster's primary otherwise — runs
// `paperseek sync …` for each due source in a child process, one child at a time. A sync is an
// ordinary writer: it takes the data dir's write lock and publishes index generations, which the
// server (a reader) picks up on its next reload poll, as after an ingest. When another process
// holds the write lock (an ingest, a sync run by hand), that round is skipped with a log line and
// the source is tried again one interval later. On shutdown the child gets SIGTERM; a sync
// commits and checkpoints page by page, so the next run resumes where it stopped.
//
// A source is due one interval after its last sync (the `lastSyncAt` of its state in papers.db,
// so a restart does not sync again early), at once when it was never synced or its last run was
// interrupted, and never sooner than one interval after this scheduler last tried it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { messageOf } from '../errors.ts';
import { WriteLock } from '../store/write-lock.ts';
import { syncStatus, type SourceStatus } from './state.ts';

/** One PAPERSEEK_SYNC item (parsed in ../config.ts). */
export interface ScheduledSync {
  /** As `paperseek sync status` and /health name it: `hf-daily`, `arxiv:cs`, `arxiv:physics:hep-th`. */
  source: string;
  /** The `paperseek sync` arguments that sync it: `['hf-daily']`, `['arxiv', '--set', 'cs']`. */
  args: string[];
  intervalMs: number;
  /** The interval as written (`6h`). */
  every: string;
}

/**
 * The CLI entry point the children run (resolved from here, not from the cwd): compiled (dist/,
 * `npm run build`) it is plain JavaScript; from the sources, node runs it with tsx's loader.
 */
const COMPILED = import.meta.url.endsWith('.js');
const MAIN = fileURLToPath(new URL(COMPILED ? '../cli/main.js' : '../cli/main.ts', import.meta.url));

/** Longest single timer: setTimeout fires at once beyond 2^31 - 1 ms, so long waits are taken in steps. */
const MAX_TIMER_MS = 3_600_000;
/** How long a child may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

export interface SchedulerOptions {
  dataDir: string;
  syncs: ScheduledSync[];
  /** The children's environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface SyncScheduler {
  /** Stops scheduling, sends SIGTERM to a running sync and resolves once it has exited. */
  stop(): Promise<void>;
}

/** The `paperseek sync` command line for a source: [executable, ...arguments]. */
export function syncCommand(sync: ScheduledSync): [string, string[]] {
  if (COMPILED) return [process.execPath, [MAIN, 'sync', ...sync.args]];
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, ['--import', tsxLoader, MAIN, 'sync', ...sync.args]];
}

/** Starts scheduling `syncs`; a no-op scheduler when there are none. */
export function startSyncScheduler(options: SchedulerOptions): SyncScheduler {
  const { dataDir, syncs } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  if (syncs.length === 0) return { stop: async () => {} };
  /** When this scheduler last tried each source (started it, or skipped it). */
  const tried = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let stopped = false;

  const dueAt = (sync: ScheduledSync, status: SourceStatus | undefined): number => {
    const last = tried.get(sync.source);
    const byScheduler = last === undefined ? Number.NEGATIVE_INFINITY : last + sync.intervalMs;
    // Never synced, or interrupted (killed mid-run; the next run resumes it): due now.
    const lastSync = status?.lastSyncAt ? Date.parse(status.lastSyncAt) : Number.NaN;
    const resume = !status || status.status === 'never' || status.status === 'running' || Number.isNaN(lastSync);
    const byState = resume ? Number.NEGATIVE_INFINITY : lastSync + sync.intervalMs;
    return Math.max(byScheduler, byState);
  };

  const statuses = (): Map<string, SourceStatus> => {
    try {
      return new Map(syncStatus(dataDir).map((status) => [status.source, status]));
    } catch (error) {
      log(`paperseek: sync schedule: cannot read the sync state in ${dataDir} (${messageOf(error)}); syncing what is due by this server's own record`);
      return new Map();
    }
  };

  const plan = () => {
    if (stopped) return;
    const state = statuses();
    const now = Date.now();
    let next: { sync: ScheduledSync; at: number } | undefined;
    for (const sync of syncs) {
      const at = dueAt(sync, state.get(sync.source));
      if (!next || at < next.at) next = { sync, at };
    }
    if (next!.at <= now) {
      void run(next!.sync);
      return;
    }
    timer = setTimeout(plan, Math.min(MAX_TIMER_MS, next!.at - now));
    timer.unref();
  };

  const run = async (sync: ScheduledSync) => {
    tried.set(sync.source, Date.now());
    const next = `next in ${sync.every}`;
    if (writerActive(dataDir)) {
      log(`paperseek: sync ${sync.source} skipped: another process is writing to ${dataDir}; ${next}`);
      plan();
      return;
    }
    const started = performance.now();
    const [command, args] = syncCommand(sync);
    let busy = false;
    try {
      child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      log(`paperseek: sync ${sync.source} could not start: ${messageOf(error)}; ${next}`);
      plan();
      return;
    }
    const current = child;
    log(`paperseek: sync ${sync.source} started (pid ${current.pid}, every ${sync.every})`);
    for (const stream of [current.stdout!, current.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        busy ||= line.includes('STORAGE_BUSY') || line.includes('Another process is writing');
        if (line.trim() !== '') log(`paperseek: [sync ${sync.source}] ${line}`);
      });
    }
    exited = new Promise<void>((resolve) => {
      let reported = false;
      const done = (how: string) => {
        if (reported) return;
        reported = true;
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        log(`paperseek: sync ${sync.source} ${how} after ${seconds} s${stopped ? '' : `; ${next}`}`);
        if (child === current) child = undefined;
        resolve();
      };
      current.once('error', (error) => done(`failed to run (${messageOf(error)})`));
      // 'close': after the output has been read to its end too.
      current.once('close', (code, signal) =>
        done(
          signal
            ? `was stopped by ${signal}`
            : code === 0
              ? 'exited with code 0'
              : `exited with code ${code}${busy ? ' (skipped: another process is writing)' : ''}`,
        ),
      );
    });
    await exited;
    plan();
  };

  // The first round: whatever is due now (never synced, interrupted, or an interval past its last sync).
  timer = setTimeout(plan, 0);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      running.kill('SIGTERM');
      const kill = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** Whether another process holds the data dir's write lock right now (taken and let go at once when free). */
function writerActive(dataDir: string): boolean {
  try {
    WriteLock.acquire(dataDir).release();
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'STORAGE_BUSY';
  }
}

/** One source as /health shows it (the API's snake_case). */
export interface SyncReport {
  source: string;
  status: SourceStatus['status'];
  last_sync_at: string | null;
  last_success_at: string | null;
  high_water: string | null;
  error: string | null;
  resumable: boolean;
  /** The PAPERSEEK_SYNC interval (`6h`); null for a source synced only by hand. */
  every: string | null;
}

/**
 * /health's `sync` list: every scheduled source (`never` until its first sync) and every source
 * the index has been synced from, read from papers.db at most once a second.
 */
export function syncReporter(dataDir: string, syncs: ScheduledSync[], cacheMs = 1000): () => SyncReport[] {
  let cached: { at: number; report: SyncReport[] } | undefined;
  return () => {
    const now = Date.now();
    if (cached && now - cached.at < cacheMs) return cached.report;
    let statuses: SourceStatus[];
    try {
      statuses = syncStatus(dataDir);
    } catch {
      // Unreadable (e.g. mid-restore): the last known list rather than a failed /health.
      return cached?.report ?? [];
    }
    const bySource = new Map(statuses.map((status) => [status.source, status]));
    const never = (source: string): SourceStatus => ({
      source,
      lastSyncAt: null,
      status: 'never',
      error: null,
      highWater: null,
      lastSuccessAt: null,
      resumable: false,
    });
    const every = new Map(syncs.map((sync) => [sync.source, sync.every]));
    const sources = [...syncs.map((sync) => sync.source), ...statuses.map((status) => status.source).filter((source) => !every.has(source))];
    const report = sources.map((source): SyncReport => {
      const status = bySource.get(source) ?? never(source);
      return {
        source,
        status: status.status,
        last_sync_at: status.lastSyncAt,
        last_success_at: status.lastSuccessAt,
        high_water: status.highWater,
        error: status.error,
        resumable: status.resumable,
        every: every.get(source) ?? null,
      };
    });
    cached = { at: now, report };
    return report;
  };
}
