// arXiv OAI-PMH: `ListRecords` with metadataPrefix=arXiv for one set (`cs`, `math`,
// `physics:hep-th`…) from a date, then `resumptionToken` after `resumptionToken` until a response
// carries an empty one. Each response is parsed as a stream by the shared reader (arxiv-oai.ts).
// The token is saved once the records before it are committed, so a killed run continues with
// it; an expired token (badResumptionToken) restarts the same harvest from its date. The
// high-water mark is the newest record datestamp of a finished harvest; the next harvest starts
// there (`from` is inclusive: records of that day are read again and found unchanged).
import { readArxivOai, type ResumptionToken } from '../sources/formats/arxiv-oai.ts';
import { textOf } from '../sources/input.ts';
import type { SourceEntry } from '../sources/record.ts';
import { RequestFailed, type PoliteClient } from './http.ts';
import { addDays, collect, FIRST_SYNC_DAYS, isoDate, laterDate, SourceDown, type FetchedPage, type SyncSource } from './source.ts';
import type { SourceState } from './state.ts';

export interface ArxivOaiOptions {
  oaiUrl: string;
  client: PoliteClient;
  /** An OAI set: `cs`, `math`, `stat`, `physics:hep-th`… */
  set: string;
  /** Harvest records changed on or after this date; default: the high-water mark, or a week ago. */
  from?: string;
  today?: string;
}

/** A harvest in progress: what it asked for, the token for its next page, the newest datestamp so far. */
interface OaiResume {
  set: string;
  from: string;
  token: string;
  newest: string | null;
  /** Position of the token in the list, when the server says (progress only). */
  cursor: number | null;
  completeListSize: number | null;
}

export const oaiLabel = (set: string): string => `arxiv:${set}`;

export function arxivOaiSource(options: ArxivOaiOptions): SyncSource {
  return {
    label: oaiLabel(options.set),
    kind: 'arxiv',
    unit: 'pages',
    pages: (state, log) => oaiPages(options, state, log),
  };
}

export function listRecordsUrl(oaiUrl: string, request: { set: string; from: string } | { token: string }): string {
  const params = new URLSearchParams({ verb: 'ListRecords' });
  if ('token' in request) params.set('resumptionToken', request.token);
  else {
    params.set('metadataPrefix', 'arXiv');
    params.set('set', request.set);
    params.set('from', request.from);
  }
  return `${oaiUrl}?${params}`;
}

interface OaiPage {
  entries: SourceEntry[];
  deleted: string[];
  token: ResumptionToken | null;
}

async function* oaiPages(options: ArxivOaiOptions, state: SourceState, log: (line: string) => void): AsyncGenerator<FetchedPage> {
  const label = oaiLabel(options.set);
  const today = options.today ?? isoDate(new Date());
  const from = options.from ?? state.highWater ?? addDays(today, -FIRST_SYNC_DAYS);
  const saved = state.resume as OaiResume | null;
  let resume: OaiResume | null = null;
  if (saved && saved.set === options.set && (options.from === undefined || options.from === saved.from)) {
    resume = saved;
    log(
      `${label}: resuming the harvest from ${saved.from} with its saved resumption token${saved.cursor !== null ? ` (at record ${saved.cursor}${saved.completeListSize !== null ? ` of ${saved.completeListSize}` : ''})` : ''}`,
    );
  }
  const harvestFrom = resume?.from ?? from;
  let newest = resume?.newest ?? null;
  let token = resume?.token ?? null;
  for (;;) {
    const url = listRecordsUrl(options.oaiUrl, token === null ? { set: options.set, from: harvestFrom } : { token });
    let page: OaiPage;
    try {
      page = await fetchPage(options.client, url);
    } catch (error) {
      // A saved token may have expired while the sync was not running: harvest the same range again.
      if (token !== null && resume !== null && error instanceof RequestFailed && /badResumptionToken/.test(error.lastError)) {
        log(`${label}: the saved resumption token is no longer valid (${error.lastError}); harvesting from ${harvestFrom} again`);
        token = null;
        resume = null;
        continue;
      }
      if (error instanceof RequestFailed) throw new SourceDown(label, error.url, error.lastError, { cause: error });
      throw error;
    }
    resume = null;
    for (const entry of page.entries) {
      const stamp = entry.ok ? entry.record.extra.oai_datestamp : undefined;
      if (typeof stamp === 'string' && /^\d{4}-\d{2}-\d{2}/.test(stamp)) newest = laterDate(newest, stamp.slice(0, 10));
    }
    const next = page.token?.token ?? null;
    yield {
      url,
      entries: page.entries,
      deleted: page.deleted,
      units: 1,
      checkpoint:
        next === null
          ? { highWater: laterDate(state.highWater, newest), resume: null }
          : {
              highWater: state.highWater,
              resume: {
                set: options.set,
                from: harvestFrom,
                token: next,
                newest,
                cursor: page.token!.cursor,
                completeListSize: page.token!.completeListSize,
              } satisfies OaiResume,
            },
    };
    if (next === null) return;
    token = next;
  }
}

async function fetchPage(client: PoliteClient, url: string): Promise<OaiPage> {
  return client.get(
    url,
    async (body) => {
      const page: OaiPage = { entries: [], deleted: [], token: null };
      page.entries = await collect(
        readArxivOai(textOf(body), {
          onResumptionToken: (token) => (page.token = token),
          onDeleted: (id) => page.deleted.push(id),
        }),
      );
      return page;
    },
    'text/xml, application/xml',
  );
}
