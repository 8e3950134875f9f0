// Reading sources on a second thread. Parsing, mapping and hashing records cost about as much as
// writing them to SQLite (FTS5 included), and the machine has two cores: the reading thread
// (./read-worker.ts) does the first while this one writes, so a keyword-only ingest runs at the
// speed of its SQLite writes (BENCHMARKS.md, "Streamed ingest at scale").
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.ts';
import type { ReadOptions, SourceEntry } from '../sources/record.ts';
import type { PaperHashes } from '../store/papers.ts';

/**
 * A source entry; kept records come with their hashes, computed on the reading thread, and a
 * skipped record's raw value as JSON text for the report (only when small and shallow enough to
 * copy across threads and write out: see boundedJson).
 */
export type ReadItem = (Omit<SourceEntry & { ok: false }, 'raw'> & { rawJson: string | undefined }) | (SourceEntry & { ok: true; hashes: PaperHashes });

export type ReadMessage =
  | { type: 'batch'; file: string; items: ReadItem[]; bytesRead: number }
  | { type: 'end'; file: string; format: string; notes: string[]; bytesRead: number }
  | { type: 'done' }
  | { type: 'error'; code: ErrorCode | undefined; message: string; details: unknown; stack: string | undefined };

export interface ReadJob {
  paths: readonly string[];
  /** Only plain data crosses to the thread (capturedYear, format, fieldMap). */
  options: Pick<ReadOptions, 'capturedYear' | 'format' | 'fieldMap'>;
  batchSize: number;
  /** Batches the reader may have in flight before it waits for the writer. */
  credits: number;
}

const BATCH_SIZE = 512;
const CREDITS = 4;

/**
 * The sources' entries, read on another thread, as batches and end-of-file events in order.
 * Stopping the iteration (or an error) stops the thread. `stdin` feeds a `-` path.
 */
export async function* readOnThread(
  paths: readonly string[],
  options: ReadOptions,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<Exclude<ReadMessage, { type: 'done' | 'error' }>> {
  const job: ReadJob = {
    paths,
    options: { capturedYear: options.capturedYear, format: options.format, fieldMap: options.fieldMap },
    batchSize: BATCH_SIZE,
    credits: CREDITS,
  };
  const readsStdin = paths.includes('-');
  const worker = new Worker(new URL('./read-worker.js', import.meta.url), { workerData: job, stdin: readsStdin });
  if (readsStdin) stdin.pipe(worker.stdin!);
  const queue: ReadMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let exited = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: ReadMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    exited = true;
    failure ??= new Error(`the reading thread stopped (exit code ${code}) before it had read everything`);
    notify();
  });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure && (exited || queue.length === 0)) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const message = queue.shift()!;
      if (message.type === 'done') return;
      if (message.type === 'error') {
        const error = message.code ? new AppError(message.code, message.message, message.details) : new Error(message.message);
        if (message.stack && !message.code) error.stack = message.stack;
        throw error;
      }
      if (message.type === 'batch') worker.postMessage('credit');
      yield message;
    }
  } finally {
    if (readsStdin) stdin.unpipe(worker.stdin!);
    await worker.terminate();
  }
}
