// The embedding worker (`paperseek worker --queue …`): takes jobs from the BullMQ queue, embeds
// their texts with its own model and returns the vectors; it never touches an index. Any number
// may run, on any machine with the same model.
//
// - The model runs on its own thread (./model-thread.ts), so this thread keeps renewing the job's
//   lock during a long model call; a killed worker's lock expires after `lockMs`, and another
//   worker's stalled-job check (every lockMs / 2) puts the job back in the queue.
// - A job made for another model spec (model, dtype, dims, pooling, normalization, prefix) is
//   refused: it fails with the reason (the coordinator reports it, and the job is retried by
//   another worker until its attempts run out), and this worker stops — it cannot serve this queue.
import { Worker, type Job } from 'bullmq';
import type { TransformersEmbedderOptions } from '../embed/transformers-embedder.ts';
import { messageOf } from '../errors.ts';
import { connectRedis, parseQueueUrl, QUEUE_NAME } from './connection.ts';
import { describeSpec, encodeVectors, specMismatch, type EmbedJobData, type EmbedJobResult, type JobSpec } from './jobs.ts';
import { ModelThread } from './model-thread.ts';
import { HEARTBEAT_MS, processId, writeWorker, type WorkerInfo } from './status.ts';

export interface EmbedWorkerOptions {
  /** redis://host:port/db */
  url: string;
  embedding: TransformersEmbedderOptions;
  /** Jobs taken at once (they share the one model thread; 2 keeps it busy between jobs). */
  concurrency?: number;
  /** BullMQ lock duration: how long a job of a dead worker waits before another takes it. */
  lockMs?: number;
  log?: (line: string) => void;
  /** Stops the worker after its current job (SIGTERM, SIGINT). */
  signal?: AbortSignal;
}

export const DEFAULT_LOCK_MS = 60_000;

export interface WorkerOutcome {
  /** 0: stopped on request; 1: refused a job for another model, or failed. */
  code: number;
  reason: string;
}

export async function runEmbedWorker(options: EmbedWorkerOptions): Promise<WorkerOutcome> {
  const log = options.log ?? ((line: string) => console.error(line));
  const location = parseQueueUrl(options.url);
  const redis = await connectRedis(location);
  const id = processId();
  let thread: ModelThread | undefined;
  let worker: Worker<EmbedJobData, EmbedJobResult> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    thread = await ModelThread.start({ ...options.embedding, spinning: true });
    const model = thread;
    const spec: JobSpec = { ...model.spec, dims: model.dims };
    const info: WorkerInfo = { id, spec, startedAt: Date.now(), seenAt: Date.now(), jobs: 0, papers: 0, refused: 0, failed: 0, current: null, stopped: null };
    const beat = () => writeWorker(redis, info).catch(() => {}); // Redis down: the next beat tells
    await beat();
    heartbeat = setInterval(beat, HEARTBEAT_MS);

    let finish!: (outcome: WorkerOutcome) => void;
    const finished = new Promise<WorkerOutcome>((resolve) => (finish = resolve));
    let refusal: string | undefined;

    const processor = async (job: Job<EmbedJobData, EmbedJobResult>): Promise<EmbedJobResult> => {
      const { texts, kind } = job.data;
      const mismatch = specMismatch(job.data.spec, spec, kind);
      if (mismatch) {
        info.refused++;
        refusal ??= mismatch;
        throw new Error(`refused by worker ${id}: ${mismatch}`);
      }
      const started = performance.now();
      info.current = job.id ?? null;
      log(`job ${job.id?.slice(0, 12)}: embedding ${texts.length} papers (attempt ${job.attemptsMade + 1})`);
      try {
        const vectors = await model.embed(texts, kind);
        info.jobs++;
        info.papers += texts.length;
        log(`job ${job.id?.slice(0, 12)}: ${texts.length} papers embedded in ${((performance.now() - started) / 1000).toFixed(2)} s`);
        return encodeVectors(vectors, spec.dims, id);
      } catch (error) {
        info.failed++;
        throw error;
      } finally {
        info.current = null;
      }
    };

    const lockDuration = options.lockMs ?? DEFAULT_LOCK_MS;
    worker = new Worker<EmbedJobData, EmbedJobResult>(QUEUE_NAME, processor, {
      connection: location.connection,
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
      // A job whose worker died is put back this many times before it counts as failed.
      maxStalledCount: 3,
    });
    const errors = new Map<string, number>();
    worker.on('error', (error) => {
      // While Redis is down or restarting every command fails; one line per message per 10 s.
      const message = messageOf(error);
      if (Date.now() - (errors.get(message) ?? 0) < 10_000) return;
      errors.set(message, Date.now());
      log(`note: ${message}`);
    });
    worker.on('failed', (job, error) => {
      if (refusal && error.message.startsWith('refused by worker')) {
        log(`refused job ${job?.id?.slice(0, 12)}: ${refusal}`);
        finish({
          code: 1,
          reason: `refused a job for another model: ${refusal}. This worker has ${describeSpec(spec)}; start it with the coordinator's model settings`,
        });
      } else log(`job ${job?.id?.slice(0, 12)} failed: ${error.message}`);
    });
    options.signal?.addEventListener('abort', () => finish({ code: 0, reason: 'stopped on request' }), { once: true });
    if (options.signal?.aborted) finish({ code: 0, reason: 'stopped on request' });
    log(`worker ${id}: ${describeSpec(spec)} loaded; taking jobs from ${location.label} (lock ${lockDuration} ms)`);

    const outcome = await finished;
    info.stopped = outcome.reason;
    await worker.close(); // lets the job in hand finish (and its result reach Redis)
    await beat();
    return outcome;
  } finally {
    clearInterval(heartbeat);
    await worker?.close().catch(() => {});
    await thread?.dispose();
    redis.disconnect();
  }
}
