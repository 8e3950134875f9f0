// Response declarations shared by routes, so every route documents the same error shape.
import { ErrorResponse } from '../schemas.ts';

const errorContent = { 'application/json': { schema: ErrorResponse } };

export const errorResponses = {
  400: { content: errorContent, description: 'Invalid parameter: `error.details` lists each field and reason.' },
  404: { content: errorContent, description: 'No such paper.' },
  413: { content: errorContent, description: 'The request body is larger than 64 KiB.' },
  415: { content: errorContent, description: 'The request body is not sent as application/json.' },
  503: { content: errorContent, description: 'The embedding model is not available; the message says why.' },
} as const;

export const jsonContent = <T>(schema: T) => ({ 'application/json': { schema } });
