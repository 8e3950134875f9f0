// Slow clients cannot hold the server: a request not received in time is answered 408 and closed,
// connections over the per-address cap get 503 + Retry-After, and other clients are served meanwhile.
import type { Server } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { serveWithLimits, type ConnectionLimits } from '../../src/api/connection-limits.ts';
import { TimeSlicer } from '../../src/api/time-slicer.ts';
import { loadConfig } from '../../src/config.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { AppError } from '../../src/errors.ts';
import { DEFAULT_SEARCH_OPTIONS, SearchService } from '../../src/search/search-service.ts';
import type { PaperWriter } from '../../src/store/paper-store.ts';
import { openTestStore, tempDir, testEmbedder } from '../support/fixtures.ts';

let dir: ReturnType<typeof tempDir>;
let store: PaperWriter;
let embedder: Embedder;
const servers: Server[] = [];

beforeAll(async () => {
  dir = tempDir();
  embedder = await testEmbedder('lexical');
  store = openTestStore(dir.path);
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  store?.close();
  await embedder?.dispose();
  dir?.remove();
});

/** The real app behind the real server setup of `serve`, on 127.0.0.1, with `limits`. */
function start(limits: ConnectionLimits): Promise<number> {
  const slicer = new TimeSlicer(10);
  const app = createApp({ search: new SearchService(store, { embedder }, DEFAULT_SEARCH_OPTIONS, slicer), slicer });
  return new Promise((resolve) => {
    servers.push(serveWithLimits({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, limits, (info) => resolve(info.port)));
  });
}

interface Connection {
  socket: net.Socket;
  opened: number;
  /** Resolves when the server closes the connection: everything it sent, and after how many ms. */
  closed: Promise<{ text: string; afterMs: number }>;
}

/** A raw connection to the server from `from` (any 127.x.y.z address reaches a server on 127.0.0.1). */
function connect(port: number, from = '127.0.0.1'): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    const opened = Date.now();
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {}); // a reset still ends in 'close'; the test judges by what arrived
    const closed = new Promise<{ text: string; afterMs: number }>((done) => socket.on('close', () => done({ text, afterMs: Date.now() - opened })));
    socket.once('connect', () => resolve({ socket, opened, closed }));
    socket.once('error', reject);
  });
}

const SLOW_HEAD = 'POST /recommend HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';

/** Sends a request's headers and the first byte of its 100-byte body, then stalls. */
async function slowBody(port: number, from?: string): Promise<Connection> {
  const connection = await connect(port, from);
  connection.socket.write(SLOW_HEAD + '{');
  return connection;
}

const parse = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
};

/** GET /health on a fresh connection from `from`; resolves with the parsed answer and how long it took. */
async function health(port: number, from?: string) {
  const connection = await connect(port, from);
  connection.socket.write('GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
  const { text, afterMs } = await connection.closed;
  return { ...parse(text), afterMs };
}

describe('request deadline and per-address cap', () => {
  const limits: ConnectionLimits = { requestTimeoutMs: 2000, idleTimeoutMs: 60_000, maxConnections: 100, maxConnectionsPerIp: 5 };

  it('slow bodies get 408 at the deadline, over-cap connections 503 at once, other clients are served meanwhile', async () => {
    const port = await start(limits);
    const slow = await Promise.all(Array.from({ length: 5 }, () => slowBody(port)));
    // Make sure the server has taken all five before going over the cap.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const over = await Promise.all(Array.from({ length: 3 }, () => slowBody(port)));
    for (const connection of over) {
      const { text, afterMs } = await connection.closed;
      const answer = parse(text);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.body.error).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
      expect(answer.body.error.message).toContain('at most 5');
      expect(afterMs).toBeLessThan(1000);
    }

    // Another address is not affected by this one's cap, while the five are still held.
    const other = await health(port, '127.0.0.2');
    expect(other.status).toBe(200);
    expect(other.afterMs).toBeLessThan(1000);
    const stillHeld = await Promise.race([
      Promise.all(slow.map((c) => c.closed)).then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), 10)),
    ]);
    expect(stillHeld).toBe(true);

    for (const connection of slow) {
      const { text, afterMs } = await connection.closed;
      const answer = parse(text);
      expect(answer.status).toBe(408);
      expect(answer.headers.connection).toBe('close');
      expect(answer.body.error).toMatchObject({ code: 'REQUEST_TIMEOUT' });
      expect(answer.body.error.message).toContain('within 2000 ms');
      // Node checks deadlines every quarter of the deadline (500 ms here).
      expect(afterMs).toBeGreaterThanOrEqual(1900);
      expect(afterMs).toBeLessThan(2000 + 1500);
    }

    // Closed connections no longer count against the address.
    const again = await health(port);
    expect(again.status).toBe(200);
  });

  it('headers that never finish get 408 at the deadline too', async () => {
    const port = await start(limits);
    const connection = await connect(port);
    connection.socket.write('GET /health HTTP/1.1\r\nHost: te');
    const { text, afterMs } = await connection.closed;
    expect(parse(text)).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
    expect(afterMs).toBeLessThan(2000 + 1500);
  });

  it('requests within the cap on one keep-alive connection are served as usual', async () => {
    const port = await start(limits);
    const response = await fetch(`http://127.0.0.1:${port}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ positive: ['no-such-paper'] }),
    });
    // The app read the whole body: the empty test index knows no such paper.
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toContain('Unknown paper id');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});

describe('idle limit', () => {
  const limits: ConnectionLimits = { requestTimeoutMs: 20_000, idleTimeoutMs: 500, maxConnections: 100, maxConnectionsPerIp: 5 };

  it('a body that stops arriving gets 408 after the idle limit, long before the deadline', async () => {
    const port = await start(limits);
    const connection = await slowBody(port);
    const { text, afterMs } = await connection.closed;
    const answer = parse(text);
    expect(answer).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
    expect(answer.body.error.message).toContain('nothing arrived for 500 ms');
    expect(afterMs).toBeGreaterThanOrEqual(450);
    expect(afterMs).toBeLessThan(3000);
  });

  it('a body trickling in faster than the idle limit is read to the end and answered', async () => {
    const port = await start(limits);
    const connection = await connect(port);
    const body = JSON.stringify({ positive: ['no-such-paper'] });
    connection.socket.write(
      `POST /recommend HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    for (const part of [body.slice(0, 10), body.slice(10, 20), body.slice(20)]) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      connection.socket.write(part);
    }
    const { text } = await connection.closed;
    const answer = parse(text);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('Unknown paper id');
  });

  it('half-sent headers get 408; a connection that sends nothing is closed without an answer', async () => {
    const port = await start(limits);
    const partial = await connect(port);
    partial.socket.write('GET /health HTTP/1.1\r\n');
    const silent = await connect(port);
    expect(parse((await partial.closed).text)).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
    const quiet = await silent.closed;
    expect(quiet.text).toBe('');
    expect(quiet.afterMs).toBeLessThan(3000);
  });
});

describe('keep-alive and the overall cap', () => {
  it('the idle limit also holds for the next request on a keep-alive connection', async () => {
    const port = await start({ requestTimeoutMs: 20_000, idleTimeoutMs: 500, maxConnections: 100, maxConnectionsPerIp: 5 });
    const connection = await connect(port);
    connection.socket.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    connection.socket.write(SLOW_HEAD + '{');
    const { text } = await connection.closed;
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(parse(first!).status).toBe(200);
    expect(parse(second!)).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
  });

  it('connections over PAPERSEEK_MAX_CONNECTIONS are closed unanswered', async () => {
    const port = await start({ requestTimeoutMs: 2000, idleTimeoutMs: 60_000, maxConnections: 3, maxConnectionsPerIp: 0 });
    const held = await Promise.all(Array.from({ length: 3 }, () => slowBody(port)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const dropped = await connect(port, '127.0.0.2');
    const { text, afterMs } = await dropped.closed;
    expect(text).toBe('');
    expect(afterMs).toBeLessThan(1000);
    for (const connection of held) expect(parse((await connection.closed).text).status).toBe(408);
    expect((await health(port, '127.0.0.2')).status).toBe(200);
  });
});

describe('configuration', () => {
  it('defaults: 30 s deadline, 10 s idle, 1024 connections, 64 per address', () => {
    expect(loadConfig({}).connections).toEqual({ requestTimeoutMs: 30_000, idleTimeoutMs: 10_000, maxConnections: 1024, maxConnectionsPerIp: 64 });
  });

  it('reads the PAPERSEEK_* settings, 0 turning the per-address cap off', () => {
    const config = loadConfig({
      PAPERSEEK_REQUEST_TIMEOUT_MS: '5000',
      PAPERSEEK_IDLE_TIMEOUT_MS: '2000',
      PAPERSEEK_MAX_CONNECTIONS: '10',
      PAPERSEEK_MAX_CONNECTIONS_PER_IP: '0',
    });
    expect(config.connections).toEqual({ requestTimeoutMs: 5000, idleTimeoutMs: 2000, maxConnections: 10, maxConnectionsPerIp: 0 });
  });

  it.each([
    ['PAPERSEEK_REQUEST_TIMEOUT_MS', '0'],
    ['PAPERSEEK_REQUEST_TIMEOUT_MS', 'soon'],
    ['PAPERSEEK_IDLE_TIMEOUT_MS', '-1'],
    ['PAPERSEEK_MAX_CONNECTIONS', '0'],
    ['PAPERSEEK_MAX_CONNECTIONS', '1.5'],
    ['PAPERSEEK_MAX_CONNECTIONS_PER_IP', '-1'],
  ])('%s=%s is a startup error naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(AppError);
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(name));
  });
});
