// The coordinator's side of distributed embedding: an Embedder whose `embed` puts the texts of a
// chunk on the BullMQ queue as one job and resolves with the vectors a worker returned. The ingest
// stays the only writer: it keeps several chunks in flight (`pipeline`) and commits each chunk's
// vectors in input order through the store's usual transactions; a job is deleted from Redis only
// once its vectors are committed.
//
// Faults: the job id is a hash of texts and model spec, so after a coordinator crash the rerun
// finds the jobs of the chunks it had not committed (done or not) instead of embedding them again;
// a job Redis lost (restart without persistence) is queued again; a job whose attempts all failed
// (e.g. every worker refused it for another model) fails the ingest with the workers' reason.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Embedder, EmbeddingSpec, TextKind } from '../embed/embedder.ts';
import { findPreset } from '../embed/presets.ts';
import { AppError, messageOf } from '../errors.ts';
import type { EmbedPipeline } from '../ingest/ingest.ts';
import { fmt } from '../ingest/skip-report.ts';
import { connectRedis, parseQueueUrl, QUEUE_NAME } from './connection.ts';
import { decodeVectors, describeSpec, JOB_NAME, jobId, specMismatch, type EmbedJobData, type EmbedJobResult, type JobSpec } from './jobs.ts';
import { HEARTBEAT_MS, processId, readStatus, readWorkers, writeCoordinator, type CoordinatorInfo } from './status.ts';

export interface QueueEmbedderOptions {
  /** redis://host:port/db */
  url: string;
  /** The model the vectors must come from (the coordinator does not load it). */
  embedding: EmbeddingSpec & { modelDir?: string };
  /** The index's recorded spec, when it has one: its vector size. */
  storedSpec?: { model: string; dims: number };
  /** For the status (which index this coordinator fills). */
  dataDir: string;
  /** Jobs (chunks) in flight at once; at least the number of workers to keep them all busy. */
  jobsInFlight?: number;
  /** Attempts per job before the ingest fails (a refusal or model error uses one; a killed worker does not). */
  attempts?: number;
  pollMs?: number;
  /** How often a status line is logged while jobs are outstanding (0: never). */
  statusMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_JOBS_IN_FLIGHT = 8;
export const DEFAULT_ATTEMPTS = 5;
const RETRY_DELAY_MS = 2000;
/** Jobs nobody collects (their coordinator died and never ran again) are dropped after a week. */
const KEEP_SECONDS = 7 * 24 * 3600;

interface Tracked {
  id: string;
  data: EmbedJobData;
  promise: Promise<Float32Array[]>;
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
  settled: boolean;
  /** embed() calls waiting for this job (identical chunks share one job). */
  refs: number;
  /** Failed attempts already reported. */
  attemptsSeen: number;
  lostReported: boolean;
}

export class QueueEmbedder implements Embedder {
  /** Workers truncate with their own tokenizer; the coordinator never tokenizes. */
  readonly maxTokens = 0;
  readonly pipeline: EmbedPipeline;
  private readonly jobs = new Map<string, Tracked>();
  private readonly committedIds = new WeakMap<readonly Float32Array[], string>();
  private readonly removals = new Set<Promise<unknown>>();
  private readonly id = processId();
  private readonly startedAt = Date.now();
  private firstJobAt: number | undefined;
  private committedJobs = 0;
  private committedPapers = 0;
  private requeued = 0;
  private reused = 0;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly label: string,
    readonly spec: JobSpec,
    private readonly options: QueueEmbedderOptions,
    private readonly log: (line: string) => void,
  ) {
    this.pipeline = { depth: options.jobsInFlight ?? DEFAULT_JOBS_IN_FLIGHT, committed: (vectors) => this.committed(vectors) };
    this.loop = this.run();
  }

  get dims(): number {
    return this.spec.dims;
  }

  static async connect(options: QueueEmbedderOptions): Promise<QueueEmbedder> {
    const location = parseQueueUrl(options.url);
    const log = options.log ?? ((line: string) => console.error(line));
    const redis = await connectRedis(location);
    try {
      const { modelDir: _dir, ...embedding } = options.embedding;
      const dims = await resolveDims(options, redis, log);
      const spec: JobSpec = {
        model: embedding.model,
        dtype: embedding.dtype,
        pooling: embedding.pooling,
        normalize: embedding.normalize,
        queryPrefix: embedding.queryPrefix,
        passagePrefix: embedding.passagePrefix,
        dims,
      };
      const queue = new Queue(QUEUE_NAME, { connection: location.connection });
      queue.on('error', () => {}); // connection errors: ioredis reconnects; commands wait (see connection.ts)
      log(`embedding through the queue ${location.label} with ${describeSpec(spec)}; start workers with: paperseek worker --queue ${location.label}`);
      return new QueueEmbedder(queue, redis, location.label, spec, options, log);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  async embed(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (this.closed) throw new Error('the queue embedder is closed');
    this.firstJobAt ??= Date.now();
    const id = jobId(this.spec, kind, texts);
    let tracked = this.jobs.get(id);
    if (!tracked) {
      let resolve!: (vectors: Float32Array[]) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<Float32Array[]>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => {});
      tracked = { id, data: { spec: this.spec, kind, texts }, promise, resolve, reject, settled: false, refs: 0, attemptsSeen: 0, lostReported: false };
      this.jobs.set(id, tracked);
      await this.enqueue(tracked);
      this.wakeUp?.();
    }
    tracked.refs++;
    const vectors = await tracked.promise;
    this.committedIds.set(vectors, id);
    return vectors;
  }

  /** A returned chunk is committed: its job is no longer needed in Redis. */
  private committed(vectors: readonly Float32Array[]): void {
    const id = this.committedIds.get(vectors);
    const tracked = id === undefined ? undefined : this.jobs.get(id);
    if (!tracked) return;
    this.committedJobs++;
    this.committedPapers += vectors.length;
    if (--tracked.refs > 0) return;
    this.jobs.delete(tracked.id);
    const removal = this.queue
      .remove(tracked.id)
      .catch((error: unknown) => this.log(`note: could not delete committed job ${short(tracked.id)}: ${messageOf(error)}`));
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
  }

  private async enqueue(tracked: Tracked): Promise<void> {
    const options: JobsOptions = {
      jobId: tracked.id,
      attempts: this.options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'fixed', delay: RETRY_DELAY_MS },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    };
    // Adding an id that exists is a no-op in BullMQ: a rerun picks up the job where it is.
    await this.queue.add(JOB_NAME, tracked.data, options);
    const state = await this.queue.getJobState(tracked.id);
    if (state === 'completed') this.reused++;
    if (state === 'failed') {
      const job = await this.queue.getJob(tracked.id);
      this.log(`job ${short(tracked.id)} failed in an earlier run (${job?.failedReason ?? 'no reason recorded'}); trying it again`);
      await job?.retry('failed', { resetAttemptsMade: true });
    }
  }

  private async run(): Promise<void> {
    let lastStatus = performance.now();
    let lastHeartbeat = Number.NEGATIVE_INFINITY;
    while (!this.closed) {
      try {
        if ([...this.jobs.values()].some((tracked) => !tracked.settled)) await this.poll();
        if (performance.now() - lastHeartbeat >= HEARTBEAT_MS) {
          lastHeartbeat = performance.now();
          await writeCoordinator(this.redis, this.info(false));
        }
        const statusMs = this.options.statusMs ?? 5000;
        if (statusMs > 0 && this.jobs.size > 0 && performance.now() - lastStatus >= statusMs) {
          lastStatus = performance.now();
          this.log(await this.statusLine());
        }
      } catch (error) {
        if (this.closed) return;
        this.log(`note: queue poll failed (${messageOf(error)}); trying again`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 200);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async poll(): Promise<void> {
    const open = [...this.jobs.values()].filter((tracked) => !tracked.settled);
    await Promise.all(open.map((tracked) => this.check(tracked)));
  }

  private async check(tracked: Tracked): Promise<void> {
    const state = await this.queue.getJobState(tracked.id);
    if (tracked.settled) return;
    if (state === 'unknown') {
      // Not committed, yet gone from Redis: it was restarted without persistence (or flushed).
      this.requeued++;
      if (!tracked.lostReported)
        this.log(`job ${short(tracked.id)} (${tracked.data.texts.length} papers) is no longer in Redis (restarted without persistence?); queued again`);
      tracked.lostReported = true;
      await this.enqueue(tracked);
      return;
    }
    if (state !== 'completed' && state !== 'failed' && state !== 'delayed') return;
    const job = await this.queue.getJob(tracked.id);
    if (!job || tracked.settled) return;
    if (state === 'completed') {
      try {
        const vectors = decodeVectors(job.returnvalue as EmbedJobResult, { count: tracked.data.texts.length, dims: this.spec.dims });
        tracked.settled = true;
        tracked.resolve(vectors);
      } catch (error) {
        tracked.settled = true;
        tracked.reject(new AppError('MODEL_UNAVAILABLE', `embedding job ${short(tracked.id)} returned unusable vectors: ${messageOf(error)}`));
      }
      return;
    }
    if (job.attemptsMade > tracked.attemptsSeen) {
      tracked.attemptsSeen = job.attemptsMade;
      this.log(`warning: embedding job ${short(tracked.id)} attempt ${job.attemptsMade} failed: ${job.failedReason}`);
    }
    if (state === 'failed') {
      tracked.settled = true;
      tracked.reject(
        new AppError(
          'MODEL_UNAVAILABLE',
          `embedding job ${short(tracked.id)} (${tracked.data.texts.length} papers) failed after ${job.attemptsMade} attempt(s): ${job.failedReason}. ` +
            `Everything committed before it is kept; start workers with ${describeSpec(this.spec)} and run the same ingest again.`,
          { job: tracked.id, reason: job.failedReason },
        ),
      );
    }
  }

  private info(finished: boolean): CoordinatorInfo {
    const seconds = this.firstJobAt === undefined ? 0 : (Date.now() - this.firstJobAt) / 1000;
    return {
      id: this.id,
      spec: this.spec,
      startedAt: this.startedAt,
      seenAt: Date.now(),
      dataDir: path.resolve(this.options.dataDir),
      outstanding: [...this.jobs.values()].filter((tracked) => !tracked.settled).length,
      committedJobs: this.committedJobs,
      committedPapers: this.committedPapers,
      papersPerSecond: seconds > 0 ? this.committedPapers / seconds : 0,
      requeued: this.requeued,
      finished,
    };
  }

  /** One progress line: job counts, workers, commit rate. */
  async statusLine(): Promise<string> {
    const status = await readStatus(this.queue, this.redis, this.label);
    const info = this.info(false);
    const live = status.workers.filter((worker) => worker.live && !worker.stopped);
    const others = live.filter((worker) => specMismatch(this.spec, worker.spec));
    const { jobs } = status;
    return (
      `queue: ${fmt(jobs.queued)} queued, ${fmt(jobs.active)} active, ${fmt(info.committedJobs)} done, ${fmt(jobs.failed)} failed` +
      (jobs.delayed > 0 ? `, ${fmt(jobs.delayed)} waiting to retry` : '') +
      ` | ${live.length} worker${live.length === 1 ? '' : 's'}${others.length > 0 ? ` (${others.length} with another model)` : ''}` +
      ` | ${fmt(info.committedPapers)} papers committed, ${info.papersPerSecond.toFixed(1)} papers/s` +
      (this.reused > 0 ? ` | ${fmt(this.reused)} jobs already done by an earlier run` : '') +
      (this.requeued > 0 ? ` | ${fmt(this.requeued)} re-queued` : '')
    );
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    await this.loop;
    await Promise.allSettled([...this.removals]);
    for (const tracked of this.jobs.values()) if (!tracked.settled) tracked.reject(new Error('the queue embedder was closed'));
    try {
      const info = this.info(true);
      await writeCoordinator(this.redis, info);
      if (this.committedJobs > 0 || this.reused > 0) {
        this.log(
          `queue: ${fmt(this.committedPapers)} papers embedded by workers in ${fmt(this.committedJobs)} jobs, ${info.papersPerSecond.toFixed(1)} papers/s` +
            (this.reused > 0 ? ` (${fmt(this.reused)} done by an earlier run)` : '') +
            (this.requeued > 0 ? `, ${fmt(this.requeued)} re-queued after Redis lost them` : ''),
        );
      }
    } finally {
      await this.queue.close();
      this.redis.disconnect();
    }
  }
}

const short = (id: string) => id.slice(0, 12);

/**
 * The model's vector size, without loading it: the index's recorded spec, a known preset, the
 * model folder's config.json, or else a running worker with the same model.
 */
async function resolveDims(options: QueueEmbedderOptions, redis: Redis, log: (line: string) => void): Promise<number> {
  const { embedding, storedSpec } = options;
  if (storedSpec && storedSpec.model === embedding.model) return storedSpec.dims;
  const preset = findPreset(embedding.model);
  if (preset && preset.model === embedding.model) return preset.dims;
  const folder = embedding.modelDir ? path.join(embedding.modelDir, embedding.model) : embedding.model;
  const configFile = path.join(folder, 'config.json');
  if (existsSync(configFile)) {
    try {
      const hidden = (JSON.parse(readFileSync(configFile, 'utf8')) as { hidden_size?: unknown }).hidden_size;
      if (typeof hidden === 'number' && hidden > 0) return hidden;
    } catch {
      // fall through to asking the workers
    }
  }
  log(`the vector size of ${embedding.model} is not known here; waiting for a worker with that model to report it`);
  for (;;) {
    const workers = await readWorkers(redis);
    const match = workers.find((worker) => worker.live && !specMismatch({ ...worker.spec, ...embedding, dims: worker.spec.dims }, worker.spec));
    if (match) return match.spec.dims;
    await sleep(1000);
  }
}
