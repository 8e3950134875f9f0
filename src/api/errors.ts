// Maps errors to HTTP answers in one place: AppError codes through one status table, zod
// validation failures to 400 with the field and reason, anything else to a generic 500.
import type { Context } from 'hono';
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
  // Unknown errors are server faults: log them, never leak their text to clients.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return c.json(errorBody('INTERNAL', 'Internal server error.'), 500);
}

/** Validation failure → 400 naming every offending field (`where` is query, param or json). */
export function validationError(error: ZodError, where: string, c: Context): Response {
  const details = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    reason: issue.message,
  }));
  const summary = details.map(({ field, reason }) => `${field}: ${reason}`).join('; ');
  return c.json(errorBody('BAD_REQUEST', `Invalid ${where} parameter ${summary}`, details), 400);
}
