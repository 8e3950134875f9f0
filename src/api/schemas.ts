// The HTTP contract: request parameters and response bodies, as zod schemas that both validate
// requests and document them in OpenAPI.
import { z } from '@hono/zod-openapi';

export const MAX_K = 100;
export const DEFAULT_K = 10;
export const MAX_QUERY_CHARS = 1000;

const k = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_K, { error: `must be at most ${MAX_K}` })
  .default(DEFAULT_K)
  .openapi({ description: `Number of results (1–${MAX_K}).`, example: 5 });

export const SearchQuery = z.object({
  q: z
    .string({ error: 'is required' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_QUERY_CHARS, { error: `must be at most ${MAX_QUERY_CHARS} characters` })
    .openapi({ description: 'Free-text query.', example: 'disentanglement in diffusion' }),
  k,
});

export const SimilarQuery = z.object({ k });

export const PaperParams = z.object({
  id: z.string().min(1).max(500).openapi({ param: { name: 'id', in: 'path' }, example: 'factorized-visual-tokenization-and-generation' }),
});

const nullableString = z.string().nullable();

export const SearchResult = z
  .object({
    id: z.string(),
    title: z.string(),
    score: z.number().openapi({ description: 'Cosine similarity to the query (higher is closer).' }),
    abstract: z.string(),
    published: nullableString.openapi({ description: 'ISO date YYYY-MM-DD.' }),
    upvotes: z.number().int().nullable(),
    authors_count: z.number().int().nullable(),
    github_url: nullableString,
    project_url: nullableString,
  })
  .openapi('SearchResult');

export const SearchResponse = z
  .object({ query: z.string(), results: z.array(SearchResult), took_ms: z.number() })
  .openapi('SearchResponse');

export const SimilarResponse = z
  .object({ id: z.string(), results: z.array(SearchResult), took_ms: z.number() })
  .openapi('SimilarResponse');

export const Paper = z
  .object({
    id: z.string(),
    title: z.string(),
    abstract: z.string(),
    authors: z.array(z.string()).nullable(),
    authors_count: z.number().int().nullable(),
    published: nullableString,
    upvotes: z.number().int().nullable(),
    url: nullableString,
    github_url: nullableString,
    project_url: nullableString,
    extra: z.record(z.string(), z.unknown()),
  })
  .openapi('Paper');

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    papers: z.number().int(),
    model: z.object({
      id: nullableString,
      dims: z.number().int().nullable(),
      dtype: nullableString,
      ready: z.boolean(),
      error: nullableString,
    }),
  })
  .openapi('Health');

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'BAD_REQUEST' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');
