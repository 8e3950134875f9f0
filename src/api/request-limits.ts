// Request limits applied before any route: a cap on body size (413) and a strict reading of the
// URL (400 for a path or query that is not valid percent-encoded UTF-8, or a repeated parameter).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';

/** Largest request body accepted: a /recommend body with 200 ids of 300 characters still fits. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Longest field name echoed back in an error message. */
const MAX_ECHOED_NAME = 100;

/** Bodies over `maxBytes` (declared or streamed) → 413 PAYLOAD_TOO_LARGE, before anything parses them. */
export const limitBody = (maxBytes = MAX_BODY_BYTES): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `Request body is too large: the limit is ${maxBytes} bytes.`, { limit_bytes: maxBytes });
    },
  });

const decodes = (text: string, decode: (text: string) => string): boolean => {
  try {
    decode(text);
    return true;
  } catch {
    return false;
  }
};

const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
};

const invalid = (where: 'path' | 'query parameter', field: string, reason: string): AppError => {
  const name = field.length > MAX_ECHOED_NAME ? `${field.slice(0, MAX_ECHOED_NAME)}…` : field;
  const label = where === 'path' ? 'path' : `${where} ${name}`;
  return new AppError('BAD_REQUEST', `Invalid ${label}: ${reason}`, [{ field: where === 'path' ? 'path' : name, reason }]);
};

/**
 * Rejects what Hono would otherwise accept silently: percent-escapes that are not UTF-8 (Hono keeps
 * such text undecoded, so `q=%ED%A0%80` would search for the literal escapes) and a parameter given
 * twice (no parameter of this API is a list, and which copy wins would be arbitrary).
 */
export const strictUrl = (): MiddlewareHandler =>
  async function strictUrl(c, next) {
    const url = c.req.url;
    const queryStart = url.indexOf('?');
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const path = url.slice(pathStart, queryStart === -1 ? undefined : queryStart);
    if (!decodes(path, decodeURI)) throw invalid('path', 'path', 'is not valid percent-encoded UTF-8');
    if (queryStart === -1) return next();
    const seen = new Set<string>();
    for (const part of url.slice(queryStart + 1).split('&')) {
      if (part === '') continue;
      const equals = part.indexOf('=');
      const rawName = equals === -1 ? part : part.slice(0, equals);
      const name = decodeComponent(rawName);
      if (name === undefined) throw invalid('query parameter', rawName, 'name is not valid percent-encoded UTF-8');
      if (equals !== -1 && decodeComponent(part.slice(equals + 1)) === undefined) {
        throw invalid('query parameter', name, 'is not valid percent-encoded UTF-8');
      }
      if (seen.has(name)) throw invalid('query parameter', name, 'must be given at most once');
      seen.add(name);
    }
    return next();
  };

const carriesBody = (request: Request): boolean => request.headers.has('transfer-encoding') || Number(request.headers.get('content-length') ?? 0) > 0;

/**
 * An error answer to a request that carries a body closes the connection. The body may be unread
 * (413, 415, an unknown route), and @hono/node-server destroys such a socket once its 500 ms drain
 * times out, failing whichever request a keep-alive client has sent on it meanwhile.
 */
export const closeAfterRejectedBody = (): MiddlewareHandler =>
  async function closeAfterRejectedBody(c, next) {
    await next();
    if (c.res.status >= 400 && carriesBody(c.req.raw)) c.header('connection', 'close');
  };
