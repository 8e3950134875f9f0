// The sync use case: pages from one source flow into the streamed ingest (chunked commits,
// embedding, unchanged papers skipped) and the source's state follows them into the meta table.
// A page's checkpoint (new high-water mark, resumption token) is saved only once every record
// up to the end of that page is committed, so a killed sync resumes without losing or repeating
// work. A source that stays down ends the page stream early: what was fetched is committed and
// published as usual, and the run then fails naming the source, the URL and the last error.
import type { Embedder } from '../embed/embedder.ts';
import { AppError } from '../errors.ts';
import { ingestHashed, type HashedRecord, type IngestCounts } from '../ingest/ingest.ts';
import { paperHashes } from '../ingest/paper-text.ts';
import { fmt, SkipReport } from '../ingest/skip-report.ts';
import type { PaperWriter } from '../store/paper-store.ts';
import { mergeRecord } from './merge.ts';
import { SourceDown, type FetchedPage, type SyncSource } from './source.ts';
import type { RunCounts, SourceState, SyncStateStore } from './state.ts';

export interface SyncProgress {
  source: string;
  /** Pages fetched so far. */
  pages: number;
  /** Records read from them. */
  records: number;
  /** Records committed to the store. */
  committed: number;
  embedded: number;
}

export interface SyncHooks {
  log?: (line: string) => void;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncOptions {
  chunkSize?: number;
}

export interface SyncSummary extends RunCounts {
  source: string;
  unit: string;
  embedded: number;
  pending: number;
  /** Records seen twice in this run (a paper listed on two days, a page re-read): stored once. */
  repeated: number;
  /** Set when the source went down: everything before it is committed. */
  failure: SourceDown | null;
  highWater: string | null;
}

interface Checkpoint {
  /** Records handed to ingest up to the end of the page. */
  through: number;
  state: Pick<SourceState, 'highWater' | 'resume'>;
}

const now = () => new Date().toISOString();

/** Runs one source to its end (or until it goes down) and returns what happened. Never throws SourceDown. */
export async function syncSource(
  source: SyncSource,
  store: PaperWriter,
  states: SyncStateStore,
  embedder: Embedder | undefined,
  options: SyncOptions = {},
  hooks: SyncHooks = {},
): Promise<SyncSummary> {
  const log = hooks.log ?? ((line: string) => console.error(line));
  const startedAt = now();
  const initial = states.update(source.label, (state) => ({
    ...state,
    lastRun: { startedAt, finishedAt: null, status: 'running', error: null, counts: null },
  }));
  const run = store.beginRun();
  const report = new SkipReport();
  const counts = { pages: 0, units: 0, read: 0, deleted: 0, repeated: 0, yielded: 0, committed: 0, embedded: 0 };
  const pending: Checkpoint[] = [];
  let failure: SourceDown | null = null;

  const progress = () =>
    hooks.onProgress?.({ source: source.label, pages: counts.pages, records: counts.read, committed: counts.committed, embedded: counts.embedded });

  /** Saves every checkpoint whose records are all committed; the last one wins. */
  const saveCommitted = () => {
    let ready: Checkpoint | undefined;
    while (pending.length > 0 && pending[0]!.through <= counts.committed) ready = pending.shift();
    if (ready) states.update(source.label, (state) => ({ ...state, ...ready.state }));
  };

  async function* records(): AsyncGenerator<HashedRecord> {
    const pages = source.pages(initial, log);
    for (;;) {
      let page: FetchedPage;
      try {
        const next = await pages.next();
        if (next.done) return;
        page = next.value;
      } catch (error) {
        // Stop reading; ingest commits and publishes what came before, then the run reports the failure.
        if (error instanceof SourceDown) {
          failure = error;
          return;
        }
        throw error;
      }
      counts.pages++;
      counts.units += page.units;
      if (page.deleted.length > 0) counts.deleted += store.delete(page.deleted).length;
      const kept = page.entries.flatMap((entry) => (entry.ok ? [entry] : []));
      const firstSeen = run.mark(kept.map((entry) => ({ id: entry.record.id, file: page.url, line: entry.line })));
      const seenBefore = new Map(kept.map((entry, i) => [entry, firstSeen[i]]));
      for (const entry of page.entries) {
        counts.read++;
        if (!entry.ok) {
          report.skip(page.url, entry.line, entry.problems);
          continue;
        }
        if (seenBefore.get(entry)) {
          counts.repeated++;
          continue;
        }
        if (entry.warnings.length > 0) report.warn(page.url, entry.line, entry.warnings);
        const record = mergeRecord(store.get(entry.record.id), entry.record, source.kind);
        counts.yielded++;
        yield { record, hashes: paperHashes(record) };
      }
      pending.push({ through: counts.yielded, state: page.checkpoint });
      saveCommitted();
      progress();
    }
  }

  let ingested: IngestCounts;
  try {
    ingested = await ingestHashed(records(), store, embedder, {
      chunkSize: options.chunkSize,
      onProgress: (p) => {
        counts.committed = p.records;
        counts.embedded = p.embedded;
        saveCommitted();
        progress();
      },
    });
  } catch (error) {
    // Not a source failure (storage, model…): the command reports it; the state says which run broke.
    states.update(source.label, (state) => ({
      ...state,
      lastRun: { startedAt, finishedAt: now(), status: 'failed', error: (error as Error).message, counts: null },
    }));
    throw error;
  }
  // ingest has committed and published everything it was given.
  counts.committed = counts.yielded;
  saveCommitted();

  const runCounts: RunCounts = {
    units: counts.units,
    read: counts.read,
    added: ingested.added,
    updated: ingested.updated,
    unchanged: ingested.unchanged,
    skipped: report.skipped,
    deleted: counts.deleted,
  };
  const finishedAt = now();
  const failed = failure as SourceDown | null;
  const final = states.update(source.label, (state) => ({
    ...state,
    lastRun: { startedAt, finishedAt, status: failed ? 'failed' : 'ok', error: failed ? failureMessage(failed) : null, counts: runCounts },
    lastSuccessAt: failed ? state.lastSuccessAt : finishedAt,
  }));
  for (const line of report.lines()) log(line);
  return {
    source: source.label,
    unit: source.unit,
    ...runCounts,
    embedded: ingested.embedded,
    pending: ingested.pending,
    repeated: counts.repeated,
    failure: failed,
    highWater: final.highWater,
  };
}

export const failureMessage = (down: SourceDown): string => `${down.source}: ${down.url} failed: ${down.lastError}`;

/** `sync hf-daily: 3 days, read 154, added 150, updated 4, skipped 0 (unchanged 0, embedded 154, …)`. */
export function formatSyncSummary(s: SyncSummary): string {
  const details = [`unchanged ${fmt(s.unchanged)}`];
  if (s.deleted > 0) details.push(`deleted ${fmt(s.deleted)}`);
  if (s.repeated > 0) details.push(`repeated ${fmt(s.repeated)}`);
  details.push(`embedded ${fmt(s.embedded)}`, `vectors pending ${fmt(s.pending)}`, `up to ${s.highWater ?? '(no date yet)'}`);
  return (
    `sync ${s.source}: ${fmt(s.units)} ${s.unit}, read ${fmt(s.read)}, added ${fmt(s.added)}, updated ${fmt(s.updated)}, skipped ${fmt(s.skipped)}` +
    ` (${details.join(', ')})`
  );
}

/** The error a run that lost its source ends with (exit 1). */
export function sourceDownError(summary: SyncSummary): AppError {
  const down = summary.failure!;
  return new AppError(
    // The closest code of the catalogue: the input could not be read (exit 1, like a bad file).
    'BAD_INPUT_FILE',
    `sync ${down.source} stopped: ${down.url} failed: ${down.lastError}. ` +
      `Everything fetched before it is committed (read ${fmt(summary.read)}, added ${fmt(summary.added)}, updated ${fmt(summary.updated)}); ` +
      `run the same command again to continue from there.`,
    { source: down.source, url: down.url, lastError: down.lastError },
  );
}
