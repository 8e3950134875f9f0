// Every request limit answers 400/413/415/431 with the JSON error shape and a message naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from '../../src/api/client-errors.ts';
import { MAX_BODY_BYTES } from '../../src/api/request-limits.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';

const PAPER = 'factorized-visual-tokenization-and-generation';

let sample: SampleServer;
beforeAll(async () => {
  sample = await startSampleServer();
  answerClientErrors(sample.server);
});
afterAll(() => sample?.close());

const send = async (path: string, init?: RequestInit) => {
  const response = await fetch(sample.base + path, init);
  const text = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: JSON.parse(text) };
};
const postRaw = (body: NonNullable<RequestInit['body']>, type = 'application/json') =>
  send('/recommend', { method: 'POST', headers: { 'content-type': type }, body });

const expectError = (response: { status: number; body: any }, status: number, code: string, mentions: string) => {
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(response.body.error.message).toContain(mentions);
};

describe('query parameters', () => {
  it.each([
    ['/search?q=' + 'x'.repeat(1001), 'q'],
    ['/search?q=x&k=101', 'k'],
    ['/search?q=x&k=0', 'k'],
    ['/search?q=x&k=1e309', 'k'],
    ['/search?q=x&offset=1001', 'offset'],
    ['/search?q=x&offset=-1', 'offset'],
    ['/search?q=x&min_upvotes=1e20', 'min_upvotes'],
    ['/search?q=x&mode=__proto__', 'mode'],
    ['/papers/' + 'a'.repeat(501), 'id'],
    [`/papers/${PAPER}/similar?k=2.5`, 'k'],
  ])('%s → 400 naming %s', async (path, field) => {
    const response = await send(path);
    expectError(response, 400, 'BAD_REQUEST', `${field}:`);
    expect(response.body.error.details[0].field).toBe(field);
  });

  it('a parameter given twice is a 400, not whichever copy happens to win', async () => {
    expectError(await send('/search?q=a&q=b'), 400, 'BAD_REQUEST', 'q: must be given at most once');
    expectError(await send(`/papers/${PAPER}/similar?k=1&k=2`), 400, 'BAD_REQUEST', 'k: must be given at most once');
  });

  it('percent-escapes that are not UTF-8 are a 400, not a search for the literal escapes', async () => {
    expectError(await send('/search?q=%ZZ'), 400, 'BAD_REQUEST', 'q: is not valid percent-encoded UTF-8');
    expectError(await send('/search?q=%ED%A0%80'), 400, 'BAD_REQUEST', 'q: is not valid');
    expectError(await send('/search?q=x&%C3=1'), 400, 'BAD_REQUEST', '%C3');
    expectError(await send('/papers/%E0%A4'), 400, 'BAD_REQUEST', 'path');
    expect((await send('/search?q=a+b%20c&k=%35')).body).toMatchObject({ query: 'a b c', k: 5 });
  });

  it('the web UI page is not subject to the API rules: it reads its own URL state', async () => {
    const response = await fetch(`${sample.base}/?q=a&q=b&k=%ZZ`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('a URL over the 16 KiB header limit is a JSON 431', async () => {
    expectError(await send('/search?q=' + 'x'.repeat(20_000)), 431, 'HEADERS_TOO_LARGE', '16 KiB');
  });
});

describe('POST /recommend body', () => {
  it(`a body over ${MAX_BODY_BYTES} bytes is a 413, whether declared or streamed`, async () => {
    const big = JSON.stringify({ positive: [PAPER], pad: 'x'.repeat(MAX_BODY_BYTES) });
    expectError(await postRaw(big), 413, 'PAYLOAD_TOO_LARGE', `${MAX_BODY_BYTES} bytes`);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await send('/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expectError(streamed, 413, 'PAYLOAD_TOO_LARGE', 'too large');
  });

  it('a body not sent as JSON is a 415', async () => {
    expectError(await postRaw(JSON.stringify({ positive: [PAPER] }), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/json');
  });

  it('malformed JSON and non-object JSON are 400s', async () => {
    expectError(await postRaw('{"positive": ['), 400, 'BAD_REQUEST', 'Malformed JSON');
    expectError(await postRaw(new Uint8Array([0xff, 0xfe, 0x7b])), 400, 'BAD_REQUEST', 'Malformed JSON');
    expectError(await postRaw('[1]'), 400, 'BAD_REQUEST', 'Invalid request body: must be a JSON object');
    expectError(await postRaw('null'), 400, 'BAD_REQUEST', 'body: must be a JSON object');
  });

  it.each([
    [{ positive: [PAPER], k: 1e308 }, 'k: must be an integer'],
    [{ positive: [PAPER], k: 0 }, 'k: must be at least 1'],
    [{ positive: [PAPER], offset: 1001 }, 'offset: must be at most 1000'],
    [{ positive: [PAPER], min_upvotes: 2 ** 60 }, 'min_upvotes: must be an integer'],
    [{ positive: [PAPER], text: 'x'.repeat(1001) }, 'text: must be at most 1000 characters'],
    [{ positive: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'positive: must name at most 100 papers'],
    [{ positive: [PAPER], negative: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'negative: must name at most 100 papers'],
    [{ positive: ['x'.repeat(501)] }, 'positive.0: must be at most 500 characters'],
    [{ positive: [PAPER], has_code: 'true' }, 'has_code: must be true or false'],
    // Regression (issue 14): a missing `positive` said "must be an array of paper ids".
    [{ negative: [PAPER] }, 'positive: is required'],
    [{ positive: PAPER }, 'positive: must be an array of paper ids'],
    [{ positive: null }, 'positive: must be an array of paper ids'],
  ])('%j → 400 "%s"', async (body, message) => {
    expectError(await postRaw(JSON.stringify(body)), 400, 'BAD_REQUEST', message);
  });

  it('a __proto__ key changes nothing', async () => {
    const response = await postRaw(`{"__proto__": {"k": 1}, "positive": ["${PAPER}"], "k": 3}`);
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(3);
  });
});

describe('/docs/assets', () => {
  it('names of Object.prototype members are 404s, not a failed file read (regression: 500)', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expectError(await send(`/docs/assets/${name}`), 404, 'NOT_FOUND', name);
    }
  });
});
