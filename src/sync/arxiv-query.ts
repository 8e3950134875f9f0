// arXiv API search: `GET <api>/query?search_query=…&start=N&max_results=M&sortBy=lastUpdatedDate&
// sortOrder=descending`, page after page by `start` until a page comes back empty, the feed's
// totalResults is reached, `--max` records are read, or a whole page is older than the cut-off
// (`--from`, else the high-water mark: the newest `updated` date a finished run saw, else a week
// ago). Newest first, so an incremental run reads only the pages with something new. Each
// response is parsed as a stream by the shared Atom reader (arxiv-atom.ts).
import { readArxivAtom, type AtomFeedInfo } from '../sources/formats/arxiv-atom.ts';
import { textOf } from '../sources/input.ts';
import type { SourceEntry } from '../sources/record.ts';
import { RequestFailed, type PoliteClient } from './http.ts';
import { addDays, collect, FIRST_SYNC_DAYS, isoDate, laterDate, SourceDown, type FetchedPage, type SyncSource } from './source.ts';
import type { SourceState } from './state.ts';

/** arXiv's API returns at most 2,000 entries per request. */
export const MAX_PAGE_SIZE = 2000;
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_MAX = 1000;

export interface ArxivQueryOptions {
  apiUrl: string;
  client: PoliteClient;
  /** arXiv search syntax: `cat:cs.CV AND abs:diffusion`. */
  query: string;
  /** Records to read at most in this run. */
  max?: number;
  pageSize?: number;
  from?: string;
  today?: string;
}

interface QueryResume {
  query: string;
  cutoff: string;
  start: number;
  newest: string | null;
}

export const queryLabel = (query: string): string => `arxiv-query:${query}`;

export function arxivQuerySource(options: ArxivQueryOptions): SyncSource {
  return {
    label: queryLabel(options.query),
    kind: 'arxiv',
    unit: 'pages',
    pages: (state, log) => queryPages(options, state, log),
  };
}

export function queryUrl(apiUrl: string, query: string, start: number, maxResults: number): string {
  const params = new URLSearchParams({
    search_query: query,
    start: String(start),
    max_results: String(maxResults),
    sortBy: 'lastUpdatedDate',
    sortOrder: 'descending',
  });
  return `${apiUrl}/query?${params}`;
}

async function* queryPages(options: ArxivQueryOptions, state: SourceState, log: (line: string) => void): AsyncGenerator<FetchedPage> {
  const label = queryLabel(options.query);
  const today = options.today ?? isoDate(new Date());
  const max = options.max ?? DEFAULT_MAX;
  const pageSize = Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, max);
  const cutoff = options.from ?? state.highWater ?? addDays(today, -FIRST_SYNC_DAYS);
  const saved = state.resume as QueryResume | null;
  let start = 0;
  let newest: string | null = null;
  if (saved && saved.query === options.query && saved.cutoff === cutoff && saved.start > 0) {
    start = saved.start;
    newest = saved.newest;
    log(`${label}: resuming an interrupted sync at result ${start}`);
  }
  let read = 0;
  for (;;) {
    const size = Math.min(pageSize, max - read);
    const url = queryUrl(options.apiUrl, options.query, start, size);
    let info: AtomFeedInfo = { totalResults: null, startIndex: null, itemsPerPage: null };
    let entries: SourceEntry[];
    try {
      entries = await options.client.get(
        url,
        (body) => collect(readArxivAtom(textOf(body), { onFeedInfo: (feed) => (info = feed) })),
        'application/atom+xml, application/xml',
      );
    } catch (error) {
      if (error instanceof RequestFailed) throw new SourceDown(label, error.url, error.lastError, { cause: error });
      throw error;
    }
    read += entries.length;
    start += entries.length;
    const dates = entries.flatMap((entry) => (entry.ok ? [entry.record.updated ?? entry.record.published] : [])).filter((d): d is string => d !== null);
    for (const date of dates) newest = laterDate(newest, date);
    const allOlder = dates.length > 0 && dates.every((date) => date < cutoff);
    const done = entries.length === 0 || read >= max || allOlder || (info.totalResults !== null && start >= info.totalResults);
    yield {
      url,
      entries,
      deleted: [],
      units: 1,
      checkpoint: done
        ? { highWater: laterDate(state.highWater, newest), resume: null }
        : { highWater: state.highWater, resume: { query: options.query, cutoff, start, newest } satisfies QueryResume },
    };
    if (done) {
      if (read >= max && !allOlder && entries.length > 0) log(`${label}: stopped at --max ${max}; more results may be newer than ${cutoff}`);
      return;
    }
  }
}
