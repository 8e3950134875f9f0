// The ingest use case: stream records out of source files into the store, with duplicate ids,
// skipped records and dropped fields reported, progress from the bytes read, and `deleteMissing`
// making the index match the input exactly. Used by `paperseek ingest` and by `serve` (sample).
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Embedder } from '../embed/embedder.ts';
import { AppError } from '../errors.ts';
import { STDIN } from '../sources/index.ts';
import { duplicateIdProblem } from '../sources/located.ts';
import type { ReadOptions } from '../sources/record.ts';
import type { PaperWriter } from '../store/paper-store.ts';
import { ingestHashed, type EmbedPipeline, type HashedRecord, type IngestCounts } from './ingest.ts';
import { readOnThread } from './read-thread.ts';
import { fmt, SkipReport } from './skip-report.ts';

export interface IngestSourcesOptions extends ReadOptions {
  /** Delete stored papers that are not in the input (refused when any record was skipped). */
  deleteMissing?: boolean;
  chunkSize?: number;
  /** Write every skipped record and dropped field to this JSON Lines file. */
  reportFile?: string;
  /** What `-` reads (standard input by default). */
  stdin?: NodeJS.ReadableStream;
  /** Several chunks embedded at once, committed in order (embedding workers: src/queue). */
  pipeline?: EmbedPipeline;
}

export interface SourceProgress {
  /** Raw bytes read across all inputs, and their total when every size is known. */
  bytesRead: number;
  totalBytes: number | undefined;
  /** Records read (kept or skipped). */
  records: number;
  embedded: number;
}

export interface IngestHooks {
  log?: (line: string) => void;
  onProgress?: (progress: SourceProgress) => void;
}

export interface IngestSummary extends IngestCounts {
  read: number;
  skipped: number;
  /** Records kept with at least one optional field dropped. */
  warned: number;
  deleted: number;
}

/** Sum of the input sizes, or undefined when one of them (stdin, a pipe) has no known size. */
function totalSize(paths: readonly string[]): number | undefined {
  let total = 0;
  for (const path of paths) {
    if (path === STDIN) return undefined;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return undefined;
      total += stat.size;
    } catch {
      return undefined; // openSource reports the unreadable file with its reason
    }
  }
  return total;
}

/**
 * The inputs with each file once: a path given twice (or two spellings of one file, such as
 * `a.jsonl ./a.jsonl`) would be read twice, every record of the second read skipped as a duplicate
 * id. The repeats are named in one note instead.
 */
export function distinctInputs(paths: readonly string[]): { paths: string[]; repeated: string[] } {
  const seen = new Set<string>();
  const distinct: string[] = [];
  const repeated: string[] = [];
  for (const path of paths) {
    if (path === STDIN) {
      distinct.push(path);
      continue;
    }
    let key: string;
    try {
      key = realpathSync(path);
    } catch {
      key = resolve(path); // missing or unreadable: openSource reports it with its reason
    }
    if (seen.has(key)) repeated.push(path);
    else {
      seen.add(key);
      distinct.push(path);
    }
  }
  return { paths: distinct, repeated };
}

export async function ingestSources(
  inputs: readonly string[],
  options: IngestSourcesOptions,
  store: PaperWriter,
  embedder: Embedder | undefined,
  hooks: IngestHooks = {},
): Promise<IngestSummary> {
  const log = hooks.log ?? ((line: string) => console.error(line));
  if (inputs.filter((path) => path === STDIN).length > 1) throw new AppError('BAD_INPUT_FILE', 'standard input (-) can be given only once');
  const { paths, repeated } = distinctInputs(inputs);
  if (repeated.length > 0) log(`note: read once, given again: ${[...new Set(repeated)].join(', ')}`);
  const run = store.beginRun();
  const report = new SkipReport(options.reportFile);
  const totalBytes = totalSize(paths);
  let finishedBytes = 0;
  let currentBytes = 0;
  let read = 0;
  let readInFile = 0;
  let embedded = 0;
  const progress = () => hooks.onProgress?.({ bytesRead: finishedBytes + currentBytes, totalBytes, records: read, embedded });

  async function* records(): AsyncGenerator<HashedRecord> {
    for await (const message of readOnThread(paths, options, options.stdin)) {
      const { file } = message;
      if (message.type === 'end') {
        log(`read ${file}: ${fmt(readInFile)} record(s) as ${message.format}`);
        for (const note of message.notes) log(`note: ${note}`);
        finishedBytes += message.bytesRead;
        currentBytes = 0;
        readInFile = 0;
        continue;
      }
      currentBytes = message.bytesRead;
      const kept = message.items.flatMap((item) => (item.ok ? [item] : []));
      const firstSeen = run.mark(kept.map((item) => ({ id: item.record.id, file, line: item.line })));
      const duplicateOf = new Map(kept.map((item, i) => [item, firstSeen[i]]));
      for (const item of message.items) {
        read++;
        readInFile++;
        if (!item.ok) {
          report.skip(file, item.line, item.problems, item.rawJson);
          continue;
        }
        const first = duplicateOf.get(item);
        if (first) {
          report.skip(file, item.line, [duplicateIdProblem(item.record.id, first, file)]);
          continue;
        }
        if (item.warnings.length > 0) report.warn(file, item.line, item.warnings);
        yield { record: item.record, hashes: item.hashes };
      }
      progress();
    }
  }

  try {
    if (!embedder) log('no embedding model: storing papers for keyword search, vectors pending until an ingest with the model');
    const counts = await ingestHashed(records(), store, embedder, {
      chunkSize: options.chunkSize,
      pipeline: options.pipeline,
      onProgress: (p) => {
        embedded = p.embedded;
        progress();
      },
    });
    const summary: IngestSummary = { read, ...counts, skipped: report.skipped, warned: report.warned, deleted: 0 };
    for (const line of report.lines()) log(line);
    log(formatSummary(summary));
    if (options.deleteMissing) {
      // A skipped record may be a paper the user still wants: never delete on a partial read.
      if (report.skipped > 0) {
        throw new AppError('BAD_INPUT_FILE', `Not deleting missing papers: ${fmt(report.skipped)} record(s) were skipped; fix them and run again.`);
      }
      summary.deleted = deletePapers(store, run.unseenIds(), log);
    }
    return summary;
  } finally {
    report.close();
  }
}

/** Deletes papers by id and saves; logs the ids that were not there. Returns how many were deleted. */
export function deletePapers(store: PaperWriter, ids: readonly string[], log: (line: string) => void): number {
  const deleted = store.delete(ids);
  if (deleted.length < ids.length) {
    const gone = new Set(deleted);
    log(`not found, nothing to delete: ${ids.filter((id) => !gone.has(id)).join(', ')}`);
  }
  store.save();
  log(`deleted ${fmt(deleted.length)} paper(s)`);
  return deleted.length;
}

export const formatSummary = (s: IngestSummary): string =>
  `ingest done: read ${fmt(s.read)}, added ${fmt(s.added)}, updated ${fmt(s.updated)}, unchanged ${fmt(s.unchanged)}, skipped ${fmt(s.skipped)}` +
  ` (embedded ${fmt(s.embedded)}, vectors pending ${fmt(s.pending)})`;

/** True when records were read but not one could be ingested: the command should fail. */
export const nothingIngested = (s: IngestSummary): boolean => s.read > 0 && s.added + s.updated + s.unchanged === 0;
