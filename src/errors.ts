// The one error type of paperseek: a code from a fixed catalogue, a message for humans and
// optional structured details. HTTP statuses are derived from the code in one table (api/errors.ts).

export const errorCodes = [
  'BAD_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'MODEL_UNAVAILABLE',
  'INDEX_MISMATCH',
  'BAD_CONFIG',
  'BAD_INPUT_FILE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'TOO_MANY_CONNECTIONS',
  'STORAGE_BUSY',
  'STORAGE_FAILED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Every `error.code` an API answer can carry: the catalogue plus INTERNAL (an unexpected failure). */
export const apiErrorCodes = [...errorCodes, 'INTERNAL'] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

/** The message of any thrown value, for wrapping causes into readable errors. */
export const messageOf = (value: unknown): string => (value instanceof Error ? value.message : String(value));
