// Bounds on what one connection, and one client address, can hold: a deadline for receiving a
// whole request (headers and body), an idle limit while it is being received, a cap on open
// connections overall and per remote address. A request that runs out of time is answered 408,
// a connection over its address's cap 503 with Retry-After; both in the API's JSON error shape.
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { answerClientErrors, answerRequestError, rawErrorResponse, type ClientErrorSource } from './client-errors.ts';

export interface ConnectionLimits {
  /** Longest time to receive a request's headers and body, from its first byte (Node's requestTimeout and headersTimeout). */
  requestTimeoutMs: number;
  /** Longest silence while a request is being received, and while a response waits for the client to read it. */
  idleTimeoutMs: number;
  /** Open connections at most (Node's server.maxConnections); beyond it new connections are closed unanswered. */
  maxConnections: number;
  /** Open connections per remote address at most (0: no cap); beyond it a new connection is answered 503. */
  maxConnectionsPerIp: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  maxConnections: 1024,
  maxConnectionsPerIp: 64,
};

/** Seconds a client turned away for its connection count is told to wait. */
export const RETRY_AFTER_S = 1;

/** How long a turned-away connection may stay open for its 503 to be read before it is destroyed. */
const LINGER_MS = 1000;

/**
 * Options for the node HTTP server, given when it is created (`serverOptions` of @hono/node-server's
 * serve). Node checks request deadlines on a timer (every 30 s by default, so a 30 s deadline
 * could be a minute): it runs at a quarter of the deadline here, at most once a second.
 */
export const connectionServerOptions = (limits: ConnectionLimits): ServerOptions => ({
  requestTimeout: limits.requestTimeoutMs,
  headersTimeout: limits.requestTimeoutMs,
  connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
});

/** A socket's address without the IPv4-mapped prefix, so `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
const clientAddress = (socket: Socket): string => (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');

/** Answers 408 on a socket whose request ran out of time and closes it, unless a response has started. */
function answerTimeout(socket: Duplex, message: string, responding: boolean): void {
  if (!socket.writable || responding) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse('REQUEST_TIMEOUT', message), () => socket.destroy());
}

const DEADLINE_MESSAGE = (ms: number) => `Request not received in time: headers and body must arrive within ${ms} ms.`;
const IDLE_MESSAGE = (ms: number) => `Request not received in time: nothing arrived for ${ms} ms.`;

/**
 * Applies `limits` to a node HTTP server created with `connectionServerOptions(limits)`, before it
 * accepts its first connection. Returns the `clientError` source that `answerClientErrors` should
 * be given: request timeouts are answered here (408), every other client error passes through.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): ClientErrorSource {
  server.maxConnections = limits.maxConnections;

  // Per-address cap, checked before the HTTP server sees the connection: a turned-away socket gets
  // no parser, no request and no deadline timer, just a 503 and a close. (Answering at request
  // level would first wait for the request's headers — up to the full deadline for a slow client.)
  const perAddress = new Map<string, number>();
  const admit = (socket: Socket): boolean => {
    if (limits.maxConnectionsPerIp === 0) return true;
    const address = clientAddress(socket);
    const open = perAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerIp) return false;
    perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    return true;
  };
  const turnAway = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    // Read and drop whatever the client sends, so closing does not reset the connection (and lose the 503).
    socket.resume();
    socket.setTimeout(LINGER_MS, () => socket.destroy());
    socket.end(
      rawErrorResponse('TOO_MANY_CONNECTIONS', `Too many open connections from this address: at most ${limits.maxConnectionsPerIp}.`, {
        'retry-after': String(RETRY_AFTER_S),
      }),
    );
  };
  // net.Server announces each accepted socket with emit('connection'); node:http's own listener
  // (which attaches the HTTP parser) is one of its listeners, so the gate sits in front of emit.
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'connection' && !admit(args[0] as Socket)) {
      turnAway(args[0] as Socket);
      return true;
    }
    return emit(event, ...args);
  }) as Server['emit'];

  // Idle limit: node arms `server.timeout` on every socket and, with a 'timeout' listener, leaves
  // the decision to it. What the socket is doing decides whether silence is the client's fault.
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const readAtLastResponse = new WeakMap<Socket, number>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    current.set(socket, { req, res });
    res.once('finish', () => {
      if (current.get(socket)?.res === res) current.delete(socket);
      readAtLastResponse.set(socket, socket.bytesRead);
    });
  });
  server.timeout = limits.idleTimeoutMs;
  server.on('timeout', (socket: Socket) => {
    const exchange = current.get(socket);
    if (exchange && !exchange.res.headersSent) {
      // The body stopped arriving: the client's fault. A complete request is being worked on: ours, let it finish.
      if (!exchange.req.complete) answerTimeout(socket, IDLE_MESSAGE(limits.idleTimeoutMs), false);
      return;
    }
    // Part of a request's headers arrived, then nothing.
    if (!exchange && socket.bytesRead > (readAtLastResponse.get(socket) ?? 0)) {
      answerTimeout(socket, IDLE_MESSAGE(limits.idleTimeoutMs), false);
      return;
    }
    // An idle connection, or a client that does not read its response.
    socket.destroy();
  });

  return {
    on(event, listener) {
      return server.on(event, (error: NodeJS.ErrnoException, socket: Duplex) => {
        if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return listener(error, socket);
        const exchange = current.get(socket as Socket);
        answerTimeout(socket, DEADLINE_MESSAGE(limits.requestTimeoutMs), exchange?.res.headersSent ?? false);
      });
    },
  };
}

export interface ServeOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  port: number;
  hostname?: string;
}

/**
 * Starts an HTTP server for @hono/node-server's request listener with `limits` in force from its
 * first connection, and parser-level client errors (malformed requests, oversized headers) and
 * requests that are no fetch Request answered in the JSON shape.
 */
export function serveWithLimits(options: ServeOptions, limits: ConnectionLimits, onListening?: (info: AddressInfo) => void): Server {
  // @hono/node-server's serve() without its error answers: built here so requests it cannot read get JSON too.
  const listener = getRequestListener(options.fetch, { hostname: options.hostname, errorHandler: answerRequestError });
  const server = createServer(connectionServerOptions(limits), listener);
  server.listen(options.port, options.hostname, () => onListening?.(server.address() as AddressInfo));
  answerClientErrors(limitConnections(server, limits));
  return server;
}
