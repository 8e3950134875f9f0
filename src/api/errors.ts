// Maps errors to HTTP answers in one place: AppError codes through one status table, zod
// validation failures to 400 with the field and reason, anything else to a generic 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { type ApiErrorCode, isAppError, type ErrorCode } from '../errors.ts';
import type { ErrorResponse } from './schemas.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  BAD_INPUT_FILE: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  TOO_MANY_CONNECTIONS: 503,
  MODEL_UNAVAILABLE: 503,
  INDEX_MISMATCH: 503,
  BAD_CONFIG: 500,
  STORAGE_BUSY: 503,
  STORAGE_FAILED: 500,
};

/** The HTTP status of an error code. */
export const statusOf = (code: ErrorCode): ContentfulStatusCode => STATUS[code];

/** Every error body: the Error schema's type (./schemas.ts). */
export const errorBody = (code: ApiErrorCode, message: string, details?: unknown): ErrorResponse => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Statuses Hono and @hono/zod-openapi reject with by themselves, given a catalogue code and a useful message. */
const FRAMEWORK_REJECTIONS: Partial<Record<number, { code: ErrorCode; message: string }>> = {
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Request body must be JSON, sent with Content-Type: application/json.' },
};

export function handleError(error: Error, c: Context): Response {
  if (isAppError(error)) return c.json(errorBody(error.code, error.message, error.details), STATUS[error.code]);
  // Hono's own rejections (malformed JSON, a body that is not JSON) are client errors with their own status.
  if (error instanceof HTTPException && error.status < 500) {
    const known = FRAMEWORK_REJECTIONS[error.status];
    if (known) return c.json(errorBody(known.code, known.message), STATUS[known.code]);
    return c.json(errorBody(error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', error.message || 'Bad request.'), error.status);
  }
  // The client hung up while its body was being read: no one is left to answer, and it is not our fault.
  if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') {
    return c.json(errorBody('BAD_REQUEST', 'The request body was not received completely.'), 400);
  }
  // Unknown errors are server faults: log them, never leak their text to clients.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return c.json(errorBody('INTERNAL', 'Internal server error.'), 500);
}

/** How a validation target is named in messages: a field of it, and the whole of it. */
const PLACE: Record<string, { field: string; whole: string }> = {
  query: { field: 'query parameter', whole: 'query' },
  param: { field: 'path parameter', whole: 'path' },
  json: { field: 'body field', whole: 'body' },
};

/** Validation failure → 400 naming every offending field (`target` is query, param or json). */
export function validationError(error: ZodError, target: string, c: Context): Response {
  const place = PLACE[target] ?? { field: target, whole: target };
  const details = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : place.whole,
    reason: issue.message,
  }));
  const summary = details.map(({ field, reason }) => `${field}: ${reason}`).join('; ');
  // An issue with the whole target (e.g. a JSON body that is an array) reads "Invalid request body: …".
  const message = details.every(({ field }) => field === place.whole) ? `Invalid request ${summary}` : `Invalid ${place.field} ${summary}`;
  return c.json(errorBody('BAD_REQUEST', message, details), 400);
}
