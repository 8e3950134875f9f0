// Maps errors to HTTP answers in one place: AppError codes through one status table, zod
// validation failures to 400 with the field and reason, anything else to a generic 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isAppError, type ErrorCode } from '../errors.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  BAD_INPUT_FILE: 400,
  NOT_FOUND: 404,
  MODEL_UNAVAILABLE: 503,
  INDEX_MISMATCH: 503,
  BAD_CONFIG: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errorBody = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

export function handleError(error: Error, c: Context): Response {
  if (isAppError(error)) return c.json(errorBody(error.code, error.message, error.details), STATUS[error.code]);
  // Hono's own rejections (e.g. a body that is not JSON) are client errors with their own status.
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(errorBody(error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', error.message || 'Bad request.'), error.status);
  }
  // Unknown errors are server faults: log them, never leak their text to clients.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return c.json(errorBody('INTERNAL', 'Internal server error.'), 500);
}

const PLACE: Record<string, string> = { query: 'query parameter', param: 'path parameter', json: 'body field' };

/** Validation failure → 400 naming every offending field (`target` is query, param or json). */
export function validationError(error: ZodError, target: string, c: Context): Response {
  const where = PLACE[target] ?? target;
  const details = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    reason: issue.message,
  }));
  const summary = details.map(({ field, reason }) => `${field}: ${reason}`).join('; ');
  return c.json(errorBody('BAD_REQUEST', `Invalid ${where} ${summary}`, details), 400);
}
