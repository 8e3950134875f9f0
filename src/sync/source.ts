// The contract between the sync use case (./sync.ts) and each source (./hf-daily.ts,
// ./arxiv-oai.ts, ./arxiv-query.ts): a source turns its saved state into a stream of fetched
// pages; each page says what state to save once its records are committed.
import type { SourceEntry } from '../sources/record.ts';
import type { SourceKind } from './merge.ts';
import type { SourceState } from './state.ts';

export interface FetchedPage {
  /** The URL the page came from (skip reports point at it). */
  url: string;
  /** The page's records, in order, read by the shared format reader. */
  entries: SourceEntry[];
  /** Ids the source reports withdrawn (OAI-PMH deleted records). */
  deleted: string[];
  /** 1 when this page completes a unit the summary counts (a day, a page); 0 for a day's later pages. */
  units: number;
  /**
   * The state once this page and every page before it are committed: a new high-water mark and/or
   * where to resume. Applied to the saved state only after the records are in the store.
   */
  checkpoint: Pick<SourceState, 'highWater' | 'resume'>;
}

export interface SyncSource {
  /** Names the source in messages, the summary and the meta table: `hf-daily`, `arxiv:cs`, … */
  label: string;
  kind: SourceKind;
  /** What the summary counts: `days` or `pages`. */
  unit: string;
  /** Pages from where `state` says to continue; throws SourceDown when the remote stays down. */
  pages(state: SourceState, log: (line: string) => void): AsyncGenerator<FetchedPage>;
}

/** The remote failed for good (after retries); everything fetched before is committed. */
export class SourceDown extends Error {
  override readonly name = 'SourceDown';
  constructor(
    readonly source: string,
    readonly url: string,
    readonly lastError: string,
    options?: { cause?: unknown },
  ) {
    super(`${source} is down: ${url} failed: ${lastError}`, options);
  }
}

/** Collects a reader's entries (a page is parsed as a stream, then handed over whole). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** `YYYY-MM-DD` of a Date in UTC. */
export const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** The day `days` after (or before) a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

/** How far back a first sync reaches when no --from is given. */
export const FIRST_SYNC_DAYS = 7;

export const laterDate = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);
