// A loopback HTTP server that answers as Hugging Face's /api/daily_papers, arXiv's OAI-PMH and
// arXiv's /api/query do, replaying the real captured responses of ../shared/formats: the HF array
// spread over days, the OAI ListRecords response cut into one page per record chained by
// resumption tokens, the Atom feed cut into pages by start/max_results. Every request is logged
// with its arrival time, and a test can answer any request itself (a 503, a cut-off body, a
// request left hanging) through `fault`.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatSample } from '../support/shared.ts';

export interface LoggedRequest {
  /** Path and query, e.g. `/oai?verb=ListRecords&resumptionToken=page-1`. */
  url: string;
  params: URLSearchParams;
  route: 'hf' | 'oai' | 'query' | 'other';
  at: number;
  userAgent: string | undefined;
}

/** What to do with a request: undefined answers normally. */
export type Fault = { status: number; headers?: Record<string, string>; body?: string } | { reset: true } | { hang: true };

export interface ReplayServer {
  base: string;
  requests: LoggedRequest[];
  /** Decides per request; called with the request and how many earlier requests had the same URL. */
  fault: ((request: LoggedRequest, repeat: number) => Fault | undefined) | undefined;
  /** Resolves at the next request matching `match` (already logged or arriving later). */
  waitFor(match: (request: LoggedRequest) => boolean): Promise<LoggedRequest>;
  close(): Promise<void>;
}

// ---- the captured responses, cut into pages --------------------------------------------------

/** The HF daily_papers items (a JSON array of 3), as the API serves them: compact JSON. */
export const HF_ITEMS = JSON.parse(readFileSync(formatSample('hf-daily-papers/hf_daily_papers.json'), 'utf8')) as { paper: { id: string } }[];

/** Days the test server lists papers on: one item of the captured response per day. */
export const HF_DAYS: Record<string, unknown[]> = {
  '2026-07-30': [HF_ITEMS[0]],
  '2026-07-31': [HF_ITEMS[1]],
  '2026-08-01': [HF_ITEMS[2]],
};

const OAI_XML = readFileSync(formatSample('arxiv-oai/arxiv-physics-hep-th.xml'), 'utf8');
const OAI_HEAD = OAI_XML.slice(0, OAI_XML.indexOf('<record>'));
const OAI_RECORDS = [...OAI_XML.matchAll(/<record>[\s\S]*?<\/record>\n/g)].map((match) => match[0]);
const OAI_TAIL = OAI_XML.slice(OAI_XML.lastIndexOf('</record>\n') + '</record>\n'.length);
export const OAI_IDS = ['1412.8323', '1507.07790', '1607.01710'];

/** Page `n` of the harvest: record n, then the token of page n + 1 (empty on the last page). */
export function oaiPage(n: number): string {
  const last = n === OAI_RECORDS.length - 1;
  const attributes = `cursor="${n}" completeListSize="${OAI_RECORDS.length}"`;
  const token = last ? `<resumptionToken ${attributes}/>\n` : `<resumptionToken ${attributes}>page-${n + 1}</resumptionToken>\n`;
  return OAI_HEAD + OAI_RECORDS[n] + token + OAI_TAIL;
}

const ATOM_XML = readFileSync(formatSample('arxiv-atom/query.xml'), 'utf8');
const ATOM_HEAD = ATOM_XML.slice(0, ATOM_XML.indexOf('  <entry>'));
const ATOM_ENTRIES = [...ATOM_XML.matchAll(/ {2}<entry>[\s\S]*?<\/entry>\n/g)].map((match) => match[0]);
export const ATOM_COUNT = ATOM_ENTRIES.length;

/** The feed with entries [start, start + max): past the end, a feed without entries (as arXiv answers). */
export function atomPage(start: number, max: number): string {
  return ATOM_HEAD + ATOM_ENTRIES.slice(start, start + max).join('') + '</feed>\n';
}

function answer(route: LoggedRequest['route'], params: URLSearchParams): { status: number; type: string; body: string } {
  if (route === 'hf') {
    const items = HF_DAYS[params.get('date') ?? ''] ?? [];
    const limit = Number(params.get('limit') ?? 50);
    const page = Number(params.get('p') ?? 0);
    return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(items.slice(page * limit, (page + 1) * limit)) };
  }
  if (route === 'oai') {
    const token = params.get('resumptionToken');
    const n = token === null ? 0 : Number(/^page-(\d+)$/.exec(token)?.[1] ?? Number.NaN);
    if (Number.isNaN(n) || n >= OAI_RECORDS.length) {
      const error = `<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error>\n`;
      return { status: 200, type: 'text/xml', body: OAI_HEAD.slice(0, OAI_HEAD.indexOf('<ListRecords>')) + error + '</OAI-PMH>\n' };
    }
    return { status: 200, type: 'text/xml', body: oaiPage(n) };
  }
  if (route === 'query') {
    return { status: 200, type: 'application/atom+xml', body: atomPage(Number(params.get('start') ?? 0), Number(params.get('max_results') ?? 10)) };
  }
  return { status: 404, type: 'text/plain', body: 'not found' };
}

export function startReplayServer(): Promise<ReplayServer> {
  const requests: LoggedRequest[] = [];
  const waiters: { match: (r: LoggedRequest) => boolean; resolve: (r: LoggedRequest) => void }[] = [];
  const hanging = new Set<ServerResponse>();
  const state: Pick<ReplayServer, 'fault'> = { fault: undefined };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname === '/hf/api/daily_papers' ? 'hf' : url.pathname === '/oai' ? 'oai' : url.pathname === '/api/query' ? 'query' : 'other';
    const request: LoggedRequest = {
      url: url.pathname + url.search,
      params: url.searchParams,
      route,
      at: performance.now(),
      userAgent: req.headers['user-agent'],
    };
    const repeat = requests.filter((r) => r.url === request.url).length;
    requests.push(request);
    for (const waiter of [...waiters]) {
      if (waiter.match(request)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(request);
      }
    }
    const fault = state.fault?.(request, repeat);
    if (fault && 'hang' in fault) {
      hanging.add(res);
      return;
    }
    const normal = answer(route, url.searchParams);
    if (fault && 'reset' in fault) {
      // Headers and half the body, then the connection drops.
      const bytes = Buffer.from(normal.body);
      res.writeHead(200, { 'content-type': normal.type, 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
      res.end(fault.body ?? `status ${fault.status}`);
      return;
    }
    res.writeHead(normal.status, { 'content-type': normal.type });
    res.end(normal.body);
  };

  return new Promise((resolve) => {
    const server: Server = createServer(handle);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        requests,
        get fault() {
          return state.fault;
        },
        set fault(value) {
          state.fault = value;
        },
        waitFor(match) {
          const seen = requests.find(match);
          return seen ? Promise.resolve(seen) : new Promise((resolveWait) => waiters.push({ match, resolve: resolveWait }));
        },
        close() {
          for (const res of hanging) res.socket?.destroy();
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** The environment pointing every source at the replay server, with fast politeness settings. */
export function replayEnv(server: ReplayServer, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PAPERSEEK_HF_API_URL: `${server.base}/hf/api`,
    PAPERSEEK_ARXIV_OAI_URL: `${server.base}/oai`,
    PAPERSEEK_ARXIV_API_URL: `${server.base}/api`,
    PAPERSEEK_ARXIV_DELAY_MS: '150',
    PAPERSEEK_HF_DELAY_MS: '0',
    PAPERSEEK_SYNC_RETRIES: '2',
    PAPERSEEK_SYNC_RETRY_MS: '50',
    PAPERSEEK_SYNC_TIMEOUT_MS: '5000',
    PAPERSEEK_CONTACT: 'tests@example.org',
    ...overrides,
  };
}
