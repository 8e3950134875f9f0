// What the queue is doing, for the coordinator's progress lines and `paperseek worker --status`:
// BullMQ's job counts, plus paperseek's own heartbeats in Redis — each worker's model, jobs and
// papers embedded, and each coordinator's commit rate — refreshed every HEARTBEAT_MS.
import os from 'node:os';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { fmt } from '../ingest/skip-report.ts';
import { connectRedis, KEY_PREFIX, parseQueueUrl, QUEUE_NAME } from './connection.ts';
import { describeSpec, type JobSpec } from './jobs.ts';

export const HEARTBEAT_MS = 2000;
/** A worker or coordinator not heard from for this long is listed as gone. */
const LIVE_MS = 5 * HEARTBEAT_MS;
/** Heartbeats older than this are deleted. */
const FORGET_MS = 3_600_000;

const WORKERS_KEY = `${KEY_PREFIX}:workers`;
const COORDINATORS_KEY = `${KEY_PREFIX}:coordinators`;

interface Heartbeat {
  /** `host:pid`. */
  id: string;
  spec: JobSpec;
  startedAt: number;
  seenAt: number;
}

export interface WorkerInfo extends Heartbeat {
  jobs: number;
  papers: number;
  /** Jobs refused for another model spec. */
  refused: number;
  failed: number;
  /** Id of the job being embedded now. */
  current: string | null;
  /** Why the worker stopped, once it has. */
  stopped: string | null;
}

export interface CoordinatorInfo extends Heartbeat {
  dataDir: string;
  /** Jobs this coordinator waits for now. */
  outstanding: number;
  committedJobs: number;
  committedPapers: number;
  papersPerSecond: number;
  /** Jobs queued again because Redis had lost them (a restart without persistence). */
  requeued: number;
  finished: boolean;
}

export interface QueueStatus {
  queue: string;
  jobs: { queued: number; active: number; delayed: number; completed: number; failed: number };
  workers: (WorkerInfo & { live: boolean })[];
  coordinators: (CoordinatorInfo & { live: boolean })[];
}

export const processId = (): string => `${os.hostname()}:${process.pid}`;

export async function writeWorker(redis: Redis, info: WorkerInfo): Promise<void> {
  await redis.hset(WORKERS_KEY, info.id, JSON.stringify({ ...info, seenAt: Date.now() }));
}

export async function writeCoordinator(redis: Redis, info: CoordinatorInfo): Promise<void> {
  await redis.hset(COORDINATORS_KEY, info.id, JSON.stringify({ ...info, seenAt: Date.now() }));
}

async function readHeartbeats<T extends Heartbeat>(redis: Redis, key: string): Promise<(T & { live: boolean })[]> {
  const now = Date.now();
  const entries = Object.entries(await redis.hgetall(key)).map(([field, json]) => {
    try {
      return { field, info: JSON.parse(json) as T };
    } catch {
      return { field, info: undefined };
    }
  });
  const stale = entries.filter(({ info }) => !info || now - info.seenAt > FORGET_MS).map(({ field }) => field);
  if (stale.length > 0) await redis.hdel(key, ...stale);
  return entries
    .flatMap(({ info }) => (info && now - info.seenAt <= FORGET_MS ? [{ ...info, live: now - info.seenAt <= LIVE_MS }] : []))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export const readWorkers = (redis: Redis) => readHeartbeats<WorkerInfo>(redis, WORKERS_KEY);
export const readCoordinators = (redis: Redis) => readHeartbeats<CoordinatorInfo>(redis, COORDINATORS_KEY);

export async function readStatus(queue: Queue, redis: Redis, label: string): Promise<QueueStatus> {
  const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  return {
    queue: label,
    jobs: {
      queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    },
    workers: await readWorkers(redis),
    coordinators: await readCoordinators(redis),
  };
}

const ago = (ms: number) => (ms < 1000 ? 'now' : ms < 120_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`);

/** The status as lines for a terminal. */
export function formatStatus(status: QueueStatus): string[] {
  const { jobs } = status;
  const now = Date.now();
  const lines = [
    `queue ${status.queue}: ${fmt(jobs.queued)} queued, ${fmt(jobs.active)} active, ${fmt(jobs.delayed)} waiting to retry, ` +
      `${fmt(jobs.completed)} done (not yet committed), ${fmt(jobs.failed)} failed`,
  ];
  const live = status.workers.filter((worker) => worker.live);
  lines.push(`workers: ${live.length} live, ${status.workers.length - live.length} gone`);
  for (const worker of status.workers) {
    const state = worker.stopped
      ? `stopped: ${worker.stopped}`
      : !worker.live
        ? `gone (last seen ${ago(now - worker.seenAt)})`
        : worker.current
          ? `embedding job ${worker.current.slice(0, 12)}`
          : 'idle';
    lines.push(
      `  ${worker.id}  ${describeSpec(worker.spec)}  ${fmt(worker.jobs)} jobs, ${fmt(worker.papers)} papers, ${fmt(worker.refused)} refused, ${fmt(worker.failed)} failed  ${state}`,
    );
  }
  for (const coordinator of status.coordinators) {
    const state = coordinator.finished ? 'finished' : coordinator.live ? 'running' : `gone (last seen ${ago(now - coordinator.seenAt)})`;
    lines.push(
      `coordinator ${coordinator.id} (${coordinator.dataDir}): ${state}, ${fmt(coordinator.committedPapers)} papers committed in ${fmt(coordinator.committedJobs)} jobs, ` +
        `${coordinator.papersPerSecond.toFixed(1)} papers/s, ${fmt(coordinator.outstanding)} jobs outstanding` +
        (coordinator.requeued > 0 ? `, ${fmt(coordinator.requeued)} re-queued after Redis lost them` : ''),
    );
  }
  return lines;
}

/** Connects, reads the status once, disconnects (`paperseek worker --status`). */
export async function fetchStatus(url: string): Promise<QueueStatus> {
  const location = parseQueueUrl(url);
  const redis = await connectRedis(location);
  const queue = new Queue(QUEUE_NAME, { connection: location.connection });
  queue.on('error', () => {});
  try {
    return await readStatus(queue, redis, location.label);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
