// The HTTP contract: request parameters and response bodies, as zod schemas that both validate
// requests and document them in OpenAPI.
import { z } from '@hono/zod-openapi';
import { SEARCH_MODES } from '../search/types.ts';
import { CATEGORY_PATTERN, CATEGORY_RULE } from '../store/category.ts';
import { RECORD_LIMITS } from '../sources/limits.ts';

export const MAX_K = 100;
export const DEFAULT_K = 10;
export const MAX_OFFSET = 1000;
export const MAX_QUERY_CHARS = 1000;
export const MAX_IDS = 100;
/** Ids longer than ingest accepts cannot exist; the two limits are one. */
export const MAX_ID_CHARS = RECORD_LIMITS.idChars;
/** Author names a search result carries; GET /papers/{id} has them all. */
export const MAX_RESULT_AUTHORS = 10;

const integer = (what: string) =>
  z.coerce.number({ error: 'must be a number' }).int({ error: 'must be an integer', abort: true }).openapi({ description: what });

const k = integer(`Number of results (1–${MAX_K}).`)
  .min(1, { error: 'must be at least 1' })
  .max(MAX_K, { error: `must be at most ${MAX_K}` })
  .default(DEFAULT_K)
  .openapi({ example: 5 });

const offset = integer(`Results to skip, for pagination (0–${MAX_OFFSET}).`)
  .min(0, { error: 'must be at least 0' })
  .max(MAX_OFFSET, { error: `must be at most ${MAX_OFFSET}` })
  .default(0);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
    error: 'is not a real calendar date',
  });

const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

/** A category filter value (see src/store/category.ts); the CLI parses --category with it too. */
export const categoryFilter = z
  .string({ error: 'must be text' })
  .trim()
  .regex(CATEGORY_PATTERN, { error: CATEGORY_RULE })
  .openapi({
    description:
      'Only papers in this category: `cs.LG` or `hep-ph` exactly, `cs.*` (or `cs.`) any category starting with `cs.`. Case is ignored.',
    example: 'cs.LG',
  });

/** Filters shared by /search, /papers/:id/similar and /recommend. */
const filterFields = {
  published_from: isoDate.optional().openapi({ description: 'Only papers published on or after this date.', example: '2024-01-01' }),
  published_to: isoDate.optional().openapi({ description: 'Only papers published on or before this date.' }),
  min_upvotes: integer('Only papers with at least this many upvotes.')
    .min(0, { error: 'must be at least 0' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' })
    .optional(),
  has_code: flag.optional().openapi({ type: 'boolean', description: 'Only papers with (true) or without (false) a GitHub link.' }),
  category: categoryFilter.optional(),
};

const dateRangeIsOrdered = (value: { published_from?: string; published_to?: string }) =>
  !value.published_from || !value.published_to || value.published_from <= value.published_to;
const dateRangeError = { error: 'must not be after published_to', path: ['published_from'] };

export const SearchQuery = z
  .object({
    q: z
      .string({ error: 'is required' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(MAX_QUERY_CHARS, { error: `must be at most ${MAX_QUERY_CHARS} characters` })
      .openapi({ description: 'Free-text query.', example: 'disentanglement in diffusion' }),
    mode: z
      .enum(SEARCH_MODES, { error: `must be one of ${SEARCH_MODES.join(', ')}` })
      .default('hybrid')
      .openapi({ description: 'hybrid (default): fusion of semantic and keyword ranks; semantic: vectors only; keyword: BM25 only.' }),
    k,
    offset,
    ...filterFields,
  })
  .refine(dateRangeIsOrdered, dateRangeError);

export const SimilarQuery = z.object({ k, offset, ...filterFields }).refine(dateRangeIsOrdered, dateRangeError);

const paperId = z.string({ error: 'must be a paper id' }).min(1, { error: 'must not be empty' }).max(MAX_ID_CHARS, { error: `must be at most ${MAX_ID_CHARS} characters` });

/** A JSON number that must be an integer in [min, max], with messages naming the bound. */
const jsonInteger = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer', abort: true })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: max === Number.MAX_SAFE_INTEGER ? 'is too large' : `must be at most ${max}` });

export const RecommendBody = z
  .object({
    positive: z
      .array(paperId, { error: 'must be an array of paper ids' })
      .min(1, { error: 'must name at least one paper' })
      .max(MAX_IDS, { error: `must name at most ${MAX_IDS} papers` })
      .openapi({ description: 'Papers the results should resemble (1–100 ids).', example: ['factorized-visual-tokenization-and-generation'] }),
    negative: z
      .array(paperId, { error: 'must be an array of paper ids' })
      .max(MAX_IDS, { error: `must name at most ${MAX_IDS} papers` })
      .default([])
      .openapi({ description: 'Papers the results should move away from (0–100 ids).' }),
    text: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(MAX_QUERY_CHARS, { error: `must be at most ${MAX_QUERY_CHARS} characters` })
      .optional()
      .openapi({ description: 'Optional free text that counts as one more positive example.' }),
    k: jsonInteger(1, MAX_K).default(DEFAULT_K).openapi({ description: `Number of results (1–${MAX_K}).` }),
    offset: jsonInteger(0, MAX_OFFSET).default(0).openapi({ description: `Results to skip, for pagination (0–${MAX_OFFSET}).` }),
    published_from: isoDate.optional().openapi({ description: 'Only papers published on or after this date (YYYY-MM-DD).' }),
    published_to: isoDate.optional().openapi({ description: 'Only papers published on or before this date (YYYY-MM-DD).' }),
    min_upvotes: jsonInteger(0).optional().openapi({ description: 'Only papers with at least this many upvotes.' }),
    has_code: z.boolean({ error: 'must be true or false' }).optional().openapi({ description: 'Only papers with (true) or without (false) a GitHub link.' }),
    category: categoryFilter.optional(),
  }, { error: 'must be a JSON object' })
  .refine(dateRangeIsOrdered, dateRangeError);

export const PaperParams = z.object({
  id: paperId.openapi({
    param: { name: 'id', in: 'path' },
    description:
      'Paper id: the id given at ingest, or the title slug. An id may contain `/` (old arXiv ids such as `hep-ph/0307015`): ' +
      'send it percent-encoded (`hep-ph%2F0307015`) or as is; as is, a final `/similar` always means the similar-papers route.',
    example: 'factorized-visual-tokenization-and-generation',
  }),
});

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();
const categories = z.array(z.string()).nullable().openapi({ description: 'Subject categories as the source names them (arXiv: `cs.LG`…).' });
const doi = nullableString.openapi({ description: 'DOI without the https://doi.org/ prefix.' });
const updated = nullableString.openapi({ description: 'ISO date YYYY-MM-DD of the last update (arXiv: latest version).' });

export const SearchResult = z
  .object({
    id: z.string(),
    title: z.string(),
    score: z.number().openapi({ description: 'What the list is ordered by: fused RRF score (hybrid), cosine similarity (semantic) or BM25 (keyword).' }),
    scores: z.object({ semantic: nullableNumber, keyword: nullableNumber, fused: nullableNumber }).openapi({
      description: 'Each side’s score; null where that side did not retrieve the paper (fused: hybrid only).',
    }),
    ranks: z.object({ semantic: z.number().int().nullable(), keyword: z.number().int().nullable() }).openapi({
      description: '1-based rank in each side’s candidate list; null where that side did not retrieve the paper.',
    }),
    highlights: z.object({ title: z.string(), abstract: z.string() }).openapi({
      description: 'HTML-escaped title and abstract snippet with matched query terms in <mark>…</mark>: safe to insert as HTML.',
    }),
    abstract: z.string(),
    published: nullableString.openapi({ description: 'ISO date YYYY-MM-DD.' }),
    updated,
    upvotes: z.number().int().nullable(),
    authors: z
      .array(z.string())
      .nullable()
      .openapi({ description: `The first ${MAX_RESULT_AUTHORS} author names (all of them: GET /papers/{id}); null when the source gives none.` }),
    authors_count: z.number().int().nullable().openapi({ description: 'How many authors the paper has, where known.' }),
    categories,
    url: nullableString.openapi({ description: 'The paper’s page (arXiv abstract page, publisher…).' }),
    doi,
    github_url: nullableString,
    project_url: nullableString,
  })
  .openapi('SearchResult');

const page = {
  results: z.array(SearchResult),
  total: z.number().int().nullable().openapi({ description: 'How many results the query can page through, where known.' }),
  offset: z.number().int(),
  k: z.number().int(),
  took_ms: z.number(),
};

export const SearchResponse = z
  .object({
    query: z.string(),
    mode: z.enum(SEARCH_MODES),
    degraded: z.boolean().openapi({ description: 'True when hybrid fell back to keyword-only because the model is unavailable.' }),
    fusion: z
      .object({ rrf_k: z.number(), weights: z.object({ semantic: z.number(), keyword: z.number() }) })
      .nullable()
      .openapi({ description: 'Hybrid only: the RRF constant and the side weights used for this query (the semantic weight shrinks when its scores do not separate candidates).' }),
    ...page,
  })
  .openapi('SearchResponse');

export const SimilarResponse = z.object({ id: z.string(), ...page }).openapi('SimilarResponse');
export const RecommendResponse = z.object(page).openapi('RecommendResponse');

export const Paper = z
  .object({
    id: z.string(),
    title: z.string(),
    abstract: z.string(),
    authors: z.array(z.string()).nullable(),
    authors_count: z.number().int().nullable(),
    published: nullableString,
    updated,
    categories,
    doi,
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
    pending_vectors: z.number().int().openapi({ description: 'Papers stored without a vector (ingested while the model was unavailable).' }),
    capabilities: z.object({ keyword: z.boolean(), semantic: z.boolean(), hybrid: z.boolean() }),
    model: z.object({
      id: nullableString,
      dims: z.number().int().nullable(),
      dtype: nullableString,
      ready: z.boolean(),
      error: nullableString,
    }),
    query_cache: z
      .object({ capacity: z.number().int(), size: z.number().int(), hits: z.number().int(), misses: z.number().int(), hit_rate: nullableNumber })
      .nullable(),
    storage: z.enum(['ok', 'corrupt', 'unchecked']).openapi({
      description:
        "The SQLite file's health from the last check the server ran (`quick_check` at start, off the request path; `corrupt` also when a request hit SQLite corruption). `unchecked` until a check has finished. `paperseek check` tells more.",
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
