// Fuzz test: thousands of randomized malformed requests to every endpoint over real HTTP. Zero 5xx,
// every error in the JSON error shape, valid requests (including FTS5 syntax in keyword and hybrid
// queries) answer 200, the server stays up and the data is unchanged.
// Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run test/api/fuzz.test.ts
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerClientErrors } from '../../src/api/client-errors.ts';
import { MAX_BODY_BYTES } from '../../src/api/request-limits.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { fuzzRequests, HOSTILE, KNOWN_PAPER, type FuzzRequest } from './fuzz-cases.ts';

const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const CONCURRENCY = 16;

let sample: SampleServer;
beforeAll(async () => {
  sample = await startSampleServer();
  answerClientErrors(sample.server);
});
afterAll(() => sample?.close());

interface Outcome {
  request: FuzzRequest;
  status: number;
  problem?: string;
}

const describeRequest = ({ method, path, headers, body }: FuzzRequest) =>
  `${method} ${path.length > 200 ? `${path.slice(0, 200)}…(${path.length} chars)` : path}` +
  (headers?.['content-type'] !== undefined ? ` [${headers['content-type']}]` : '') +
  (body === undefined ? '' : ` body=${typeof body === 'string' ? JSON.stringify(body.slice(0, 200)) : `<${body.length} bytes>`}`);

const bodySize = ({ body }: FuzzRequest) => (body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length);

/** Sends one request and says what, if anything, is wrong with the answer. */
async function check(request: FuzzRequest): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(sample.base + request.path, { method: request.method, headers: request.headers, body: request.body });
  } catch (error) {
    // Refusing an oversized upload may reset the connection before the client reads the 413
    // (the server closes with the body unread); tolerated here, and counted below.
    if (bodySize(request) > MAX_BODY_BYTES) return { request, status: 0 };
    return { request, status: 0, problem: `request failed: ${(error as Error).message} ${String((error as Error).cause ?? '')}` };
  }
  const text = await response.text();
  const { status } = response;
  if (status >= 500) return { request, status, problem: `${status}: ${text.slice(0, 300)}` };
  if (request.valid && status !== 200) return { request, status, problem: `valid request answered ${status}: ${text.slice(0, 300)}` };
  if (status >= 400) {
    if (!response.headers.get('content-type')?.startsWith('application/json')) return { request, status, problem: `error is not JSON: ${text.slice(0, 200)}` };
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return { request, status, problem: `error body does not parse: ${text.slice(0, 200)}` };
    }
    const error = body?.error;
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || Object.keys(body).length !== 1) {
      return { request, status, problem: `error body lacks the shape {error: {code, message}}: ${text.slice(0, 200)}` };
    }
  }
  return { request, status };
}

async function runAll(requests: FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) outcomes.push(await check(requests[next++]!));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

/** Raw HTTP that fetch cannot send: Node's parser rejects it before the app; the answer must still be JSON. */
function rawRequest(text: string): Promise<string> {
  const url = new URL(sample.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** What must not change: paper count, one paper's full JSON, a fixed query's result ids per mode. */
async function snapshot() {
  const health = await sample.get('/health');
  const paper = await sample.get(`/papers/${KNOWN_PAPER}`);
  const ids: Record<string, string[]> = {};
  for (const mode of ['keyword', 'hybrid', 'semantic']) {
    const { body } = await sample.get(`/search?q=disentanglement%20in%20diffusion&k=20&mode=${mode}`);
    ids[mode] = body.results.map((result: { id: string }) => result.id);
  }
  return { papers: health.body.papers, storeCount: sample.store.count(), paper: paper.body, ids };
}

it(`survives ${COUNT} randomized malformed requests to every endpoint (seed printed)`, async () => {
  console.log(`fuzz seed ${SEED} (reproduce: FUZZ_SEED=${SEED} npx vitest run test/api/fuzz.test.ts)`);
  const before = await snapshot();
  expect(before.papers).toBe(68);
  expect(before.ids.keyword?.length).toBeGreaterThan(0);

  const requests = fuzzRequests(SEED, COUNT);
  const started = performance.now();
  const outcomes = await runAll(requests);
  const elapsed = performance.now() - started;

  const raw = [
    'GET /search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'y'.repeat(20_000) + '\r\n\r\n',
    'POST /recommend HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
    'NOT-HTTP\r\n\r\n',
  ];
  const rawProblems: string[] = [];
  for (const text of raw) {
    const answer = await rawRequest(text);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const status = Number(head.split(' ')[1]);
    if (!(status >= 400 && status < 500) || !/content-type: application\/json/i.test(head) || !JSON.parse(body || '{}').error) {
      rawProblems.push(`${JSON.stringify(text.slice(0, 80))} → ${JSON.stringify(answer.slice(0, 200))}`);
    }
  }

  const byStatus = new Map<number, number>();
  for (const { status } of outcomes) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  const valid = outcomes.filter((outcome) => outcome.request.valid).length;
  console.log(
    `fuzz: ${outcomes.length} requests (${valid} valid) in ${Math.round(elapsed)} ms; statuses ` +
      [...byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' '),
  );

  const problems = outcomes.filter((outcome) => outcome.problem).map((o) => `${describeRequest(o.request)}\n    → ${o.problem}`);
  expect(problems.slice(0, 10), `seed ${SEED}: ${problems.length} bad answers`).toEqual([]);
  expect(rawProblems, `seed ${SEED}`).toEqual([]);
  expect(outcomes).toHaveLength(COUNT);
  const oversized = outcomes.filter((outcome) => bodySize(outcome.request) > MAX_BODY_BYTES);
  const reset = oversized.filter((outcome) => outcome.status === 0).length;
  expect(reset, `${reset} of ${oversized.length} oversized bodies got a reset instead of a 413`).toBeLessThanOrEqual(oversized.length / 5);
  expect(valid).toBeGreaterThan(COUNT / 5);

  // Still up, and nothing changed.
  expect((await sample.get('/search?q=diffusion&mode=keyword')).status).toBe(200);
  expect(await snapshot()).toEqual(before);
});

it('FTS5 query syntax in user text is searched as words in keyword and hybrid mode, never parsed', async () => {
  const texts = [
    ...HOSTILE,
    HOSTILE.join(' '),
    HOSTILE.join(''),
    'diffusion OR',
    'NEAR(diffusion model)',
    '"diffusion',
    'title:diffusion*',
    '-diffusion -model',
  ];
  const wellFormed = texts.map((text) => text.replace(/\p{Cs}/gu, '\uFFFD')).filter((text) => text.trim().length > 0);
  for (const mode of ['keyword', 'hybrid']) {
    const answers = await Promise.all(wellFormed.map((text) => sample.get(`/search?mode=${mode}&k=5&q=${encodeURIComponent(text)}`)));
    const failed = answers.map((answer, i) => ({ text: wellFormed[i], status: answer.status, body: answer.body })).filter(({ status }) => status !== 200);
    expect(failed, mode).toEqual([]);
  }
  // Operators are ordinary words: "diffusion OR" finds what "diffusion" finds (the stopword "or" is dropped).
  const plain = await sample.get('/search?mode=keyword&k=100&q=diffusion');
  const withOperator = await sample.get('/search?mode=keyword&k=100&q=diffusion%20OR%20*');
  expect(withOperator.body.results.map((r: { id: string }) => r.id)).toEqual(plain.body.results.map((r: { id: string }) => r.id));
});
