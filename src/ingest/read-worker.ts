// The reading thread of an ingest: opens each source, parses and maps its records and hashes them,
// and posts them in batches to the writing thread. Flow control by credits: at most a few batches
// are in flight, so a fast reader never piles records up in memory ahead of a slow writer.
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError, messageOf } from '../errors.ts';
import { openSource } from '../sources/index.ts';
import { boundedJson } from '../sources/limits.ts';
import { chunked } from './chunked.ts';
import { paperHashes } from './paper-text.ts';
import type { ReadJob, ReadMessage, ReadItem } from './read-thread.ts';

const port = parentPort!;
const job = workerData as ReadJob;
let credits = job.credits;
let waiting: (() => void) | undefined;
port.on('message', (message: 'credit') => {
  if (message !== 'credit') return;
  credits++;
  waiting?.();
  waiting = undefined;
});

const post = (message: ReadMessage) => port.postMessage(message);

async function send(message: ReadMessage): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (waiting = resolve));
  credits--;
  post(message);
}

try {
  for (const path of job.paths) {
    const source = await openSource(path, job.options);
    const file = source.input.name;
    for await (const batch of chunked(source.entries, job.batchSize)) {
      const items = batch.map(
        (entry): ReadItem =>
          entry.ok
            ? { ...entry, hashes: paperHashes(entry.record) }
            : { ok: false, line: entry.line, problems: entry.problems, rawJson: boundedJson(entry.raw) },
      );
      await send({ type: 'batch', file, items, bytesRead: source.input.bytesRead() });
    }
    post({ type: 'end', file, format: source.format(), notes: source.notes, bytesRead: source.input.bytesRead() });
  }
  post({ type: 'done' });
} catch (error) {
  post({
    type: 'error',
    code: isAppError(error) ? error.code : undefined,
    message: messageOf(error),
    details: isAppError(error) ? error.details : undefined,
    stack: error instanceof Error ? error.stack : undefined,
  });
}
