// Requests Node's HTTP parser rejects before Hono sees them (a URL or headers over Node's 16 KiB
// limit, malformed HTTP), and requests @hono/node-server cannot turn into a fetch Request (`OPTIONS *`,
// HTTP/1.0 without Host), get the API's JSON error shape instead of a bare status line.
import { RequestError } from '@hono/node-server';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../errors.ts';
import { errorBody, statusOf } from './errors.ts';

const HEADER_OVERFLOW = {
  code: 'HEADERS_TOO_LARGE',
  message: 'Request URL and headers are too large: together they must fit in 16 KiB.',
} as const satisfies { code: ErrorCode; message: string };
const MALFORMED = { code: 'BAD_REQUEST', message: 'Malformed HTTP request.' } as const satisfies { code: ErrorCode; message: string };

/** What answerClientErrors needs of a server: node:http's Server, or @hono/node-server's ServerType. */
export interface ClientErrorSource {
  on(event: 'clientError', listener: (error: NodeJS.ErrnoException, socket: Duplex) => void): unknown;
}

/** A whole HTTP/1.1 error response in the API's JSON shape, for writing straight to a socket, then closing it. */
export function rawErrorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}): string {
  const status = statusOf(code);
  const body = JSON.stringify(errorBody(code, message));
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    extra +
    'connection: close\r\n\r\n' +
    body
  );
}

/** Answers parser-level client errors with a JSON error body and closes the connection. */
export function answerClientErrors(server: ClientErrorSource): void {
  server.on('clientError', (error, socket) => {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { code, message } = error.code === 'HPE_HEADER_OVERFLOW' ? HEADER_OVERFLOW : MALFORMED;
    socket.end(rawErrorResponse(code, message));
  });
}

/**
 * The `errorHandler` of @hono/node-server's request listener: a request it cannot make a fetch
 * Request of (no Host, a target that is not a path such as `OPTIONS *`, a backslash in the path)
 * is a 400; anything else thrown before the app answers is a 500. Without it the answer is an
 * empty 400 or 500.
 */
export function answerRequestError(error: unknown): Response {
  if (error instanceof RequestError) {
    return Response.json(errorBody(MALFORMED.code, `${MALFORMED.message.slice(0, -1)}: ${error.message}.`), { status: statusOf(MALFORMED.code) });
  }
  console.error('request failed before reaching the app:', error);
  return Response.json(errorBody('INTERNAL', 'Internal server error.'), { status: 500 });
}
