// Requests Node's HTTP parser rejects before Hono sees them (a URL or headers over Node's 16 KiB
// limit, malformed HTTP) get the API's JSON error shape instead of Node's bare status line.
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

/** Answers parser-level client errors with a JSON error body and closes the connection. */
export function answerClientErrors(server: ClientErrorSource): void {
  server.on('clientError', (error, socket) => {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { code, message } = error.code === 'HPE_HEADER_OVERFLOW' ? HEADER_OVERFLOW : MALFORMED;
    const status = statusOf(code);
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'content-type: application/json\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  });
}
