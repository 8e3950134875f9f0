// Hugging Face Daily Papers: `GET <api>/daily_papers?date=YYYY-MM-DD&limit=100&p=N`, one day
// after another, each day paged with `p` while pages come back full. The response (a JSON array
// of {paper, …} items) is parsed as a stream by the shared JSON reader and mapped by hf-api.ts.
// The high-water mark is the last *complete* day (before today, UTC): a run continues from the day
// after it, so today's list, still growing, is fetched again next time; past days are not.
import { jsonEntries } from '../sources/json-formats.ts';
import { jsonDocument } from '../sources/json-stream.ts';
import type { SourceEntry } from '../sources/record.ts';
import { RequestFailed, type PoliteClient } from './http.ts';
import { addDays, collect, FIRST_SYNC_DAYS, isoDate, laterDate, SourceDown, type FetchedPage, type SyncSource } from './source.ts';
import type { SourceState } from './state.ts';

export const HF_SOURCE = 'hf-daily';
/** The most items the API returns per request. */
export const HF_PAGE_SIZE = 100;

export interface HfDailyOptions {
  apiUrl: string;
  client: PoliteClient;
  /** First day to fetch; default: the day after the high-water mark, or a week ago on a first run. */
  from?: string;
  /** Last day to fetch; default: today (UTC). */
  to?: string;
  /** Today in UTC (tests pin it). */
  today?: string;
}

/** Where an interrupted run continues: the range it was asked for and the next day of it. */
interface HfResume {
  from: string;
  to: string;
  next: string;
}

export function hfDailySource(options: HfDailyOptions): SyncSource {
  return {
    label: HF_SOURCE,
    kind: 'hf',
    unit: 'days',
    pages: (state, log) => hfPages(options, state, log),
  };
}

export function dayUrl(apiUrl: string, date: string, page: number): string {
  const params = new URLSearchParams({ date, limit: String(HF_PAGE_SIZE) });
  if (page > 0) params.set('p', String(page));
  return `${apiUrl}/daily_papers?${params}`;
}

async function* hfPages(options: HfDailyOptions, state: SourceState, log: (line: string) => void): AsyncGenerator<FetchedPage> {
  const today = options.today ?? isoDate(new Date());
  const to = options.to ?? today;
  const from = options.from ?? (state.highWater ? addDays(state.highWater, 1) : addDays(today, -FIRST_SYNC_DAYS));
  const saved = state.resume as HfResume | null;
  let day = from;
  if (saved && saved.from === from && saved.to === to && saved.next > from) {
    day = saved.next;
    log(`${HF_SOURCE}: resuming an interrupted sync of ${from}…${to} at ${day}`);
  }
  if (day > to) {
    log(`${HF_SOURCE}: up to date (nothing after ${addDays(day, -1)} up to ${to})`);
    return;
  }
  let highWater = state.highWater;
  for (; day <= to; day = addDays(day, 1)) {
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      const url = dayUrl(options.apiUrl, day, page);
      const entries = await fetchDay(options.client, url);
      const fresh = entries.filter((entry) => !entry.ok || !seen.has(entry.record.id));
      for (const entry of entries) if (entry.ok) seen.add(entry.record.id);
      // A full page may have a next one; a page with nothing new means the server ignores `p`.
      const more = entries.length >= HF_PAGE_SIZE && fresh.length > 0;
      const complete = !more;
      if (complete && day < today) highWater = laterDate(highWater, day);
      const next = addDays(day, 1);
      yield {
        url,
        entries: fresh,
        deleted: [],
        units: complete ? 1 : 0,
        checkpoint: { highWater, resume: complete ? (next <= to ? { from, to, next } : null) : { from, to, next: day } },
      };
      if (complete) break;
    }
  }
}

async function fetchDay(client: PoliteClient, url: string): Promise<SourceEntry[]> {
  try {
    return await client.get(
      url,
      async (body) => {
        const notes: string[] = [];
        const entries = await collect(jsonEntries(jsonDocument(body), { format: 'hf-api', notes, file: url }).entries);
        // A response that is not JSON (an HTML error page with 200) reads as one unusable item.
        const broken = entries.find((entry) => !entry.ok && entry.problems.some((p) => p.field === '(file)'));
        if (broken && !broken.ok) throw new Error(`not a Hugging Face API response: ${broken.problems[0]!.reason}`);
        return entries;
      },
      'application/json',
    );
  } catch (error) {
    if (error instanceof RequestFailed) throw new SourceDown(HF_SOURCE, error.url, error.lastError, { cause: error });
    throw error;
  }
}
