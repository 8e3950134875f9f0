// The HTTP contract: request parameters and response bodies, as zod schemas that both validate
// requests and document them in OpenAPI. Each response body's TypeScript type is inferred from its
// schema here (`type SearchResponse`…), and api/present.ts builds every body to those types. The
// limits, modes and the date rule come from ../contract.ts, which the CLI and the browser UI share.
import { z } from '@hono/zod-openapi';
import {
  DATE_CALENDAR_RULE,
  DATE_FORM_RULE,
  DEFAULT_K,
  DEFAULT_MODE,
  ISO_DATE,
  isCalendarDate,
  MAX_IDS,
  MAX_K,
  MAX_OFFSET,
  MAX_QUERY_CHARS,
  SEARCH_MODES,
} from '../contract.ts';
import { apiErrorCodes } from '../errors.ts';
import { CATEGORY_PATTERN, CATEGORY_RULE } from '../store/category.ts';
import { RECORD_LIMITS } from '../sources/limits.ts';

/** Ids longer than ingest accepts cannot exist; the two limits are one. */
export const MAX_ID_CHARS = RECORD_LIMITS.idChars;
/** Author names a search result carries; GET /papers/{id} has them all. */
export const MAX_RESULT_AUTHORS = 10;

/** Query integers are written in decimal digits only: no sign, fraction, exponent, hex or spaces. */
export const DECIMAL_DIGITS = /^\d+$/;

/**
 * An integer query parameter in [min, max]: the text must be decimal digits (`z.coerce.number`
 * would take `0x10`, `1e1`, ` 5` and an empty value as numbers). The spec shows it as an integer
 * with its bounds, and the digits-only rule as a pattern.
 */
const queryInteger = (what: string, min: number, max: number) =>
  z
    .string({ error: 'must be a number' })
    .min(1, { error: 'must not be empty', abort: true })
    .regex(DECIMAL_DIGITS, { error: 'must be a whole number written in decimal digits' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: max === Number.MAX_SAFE_INTEGER ? 'is too large' : `must be at most ${max}` }),
    )
    .openapi({ type: 'integer', minimum: min, maximum: max, pattern: DECIMAL_DIGITS.source, description: what });

const k = queryInteger(`Number of results (1–${MAX_K}).`, 1, MAX_K).default(DEFAULT_K).openapi({ default: DEFAULT_K, example: 5 });

const offset = queryInteger(`Results to skip, for pagination (0–${MAX_OFFSET}).`, 0, MAX_OFFSET).default(0).openapi({ default: 0 });

/** A date filter (YYYY-MM-DD, a real day); the CLI parses its date options with it too. */
export const isoDate = z
  .string()
  .min(1, { error: 'must not be empty', abort: true })
  .regex(ISO_DATE, { error: DATE_FORM_RULE })
  .refine(isCalendarDate, { error: DATE_CALENDAR_RULE })
  .openapi({ format: 'date' });

/** Text with at least one character that is not whitespace (JavaScript's \s is what trim() removes). */
const NOT_BLANK = /\S/;

/** At most `max` characters as JSON Schema's maxLength counts them: code points, not UTF-16 units. */
const atMostChars = (max: number) => (value: string) => value.length <= max || [...value].length <= max;

/**
 * Free text of 1–MAX_QUERY_CHARS characters with a non-space one, trimmed. Checked before trimming,
 * so the spec's minLength, maxLength and pattern are exactly what is enforced.
 */
const freeText = (typeError: string) =>
  z
    .string({ error: typeError })
    .min(1, { error: 'must not be empty', abort: true })
    .refine(atMostChars(MAX_QUERY_CHARS), { error: `must be at most ${MAX_QUERY_CHARS} characters`, abort: true })
    .regex(NOT_BLANK, { error: 'must contain a non-space character' })
    .trim()
    .openapi({ maxLength: MAX_QUERY_CHARS });

const flag = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((value) => value === 'true' || value === '1');

/** Exactly the texts whose trimmed value matches CATEGORY_PATTERN (JavaScript's \s is what trim() removes; see test/api/contract-exactness.test.ts). */
export const CATEGORY_PATTERN_AS_SENT = /^\s*[A-Za-z0-9.\-_][A-Za-z0-9.\-_ ]{0,63}\*?\s*$/;

/** A category filter value (see src/store/category.ts); the CLI parses --category with it too. */
export const categoryFilter = z.string({ error: 'must be text' }).trim().regex(CATEGORY_PATTERN, { error: CATEGORY_RULE }).openapi({
  // CATEGORY_PATTERN applies after trimming; the spec states the same rule on the text as sent.
  pattern: CATEGORY_PATTERN_AS_SENT.source,
  description: 'Only papers in this category: `cs.LG` or `hep-ph` exactly, `cs.*` (or `cs.`) any category starting with `cs.`. Case is ignored.',
  example: 'cs.LG',
});

/** Filters shared by /search, /papers/:id/similar and /recommend. */
const filterFields = {
  published_from: isoDate.optional().openapi({ description: 'Only papers published on or after this date.', example: '2024-01-01' }),
  published_to: isoDate.optional().openapi({ description: 'Only papers published on or before this date.' }),
  min_upvotes: queryInteger('Only papers with at least this many upvotes.', 0, Number.MAX_SAFE_INTEGER).optional(),
  has_code: flag
    .optional()
    .openapi({ type: 'boolean', description: 'Only papers with (true) or without (false) a GitHub link; `1` and `0` are read as true and false.' }),
  category: categoryFilter.optional(),
};

export const dateRangeIsOrdered = (value: { published_from?: string; published_to?: string }) =>
  !value.published_from || !value.published_to || value.published_from <= value.published_to;
export const dateRangeError = { error: 'must not be after published_to', path: ['published_from'] };

export const SearchQuery = z
  .object({
    q: freeText('is required').openapi({
      description: 'Free-text query (leading and trailing spaces are ignored).',
      example: 'disentanglement in diffusion',
    }),
    mode: z
      .enum(SEARCH_MODES, { error: `must be one of ${SEARCH_MODES.join(', ')}` })
      .default(DEFAULT_MODE)
      .openapi({ description: 'hybrid (default): fusion of semantic and keyword ranks; semantic: vectors only; keyword: BM25 only.' }),
    k,
    offset,
    ...filterFields,
  })
  .refine(dateRangeIsOrdered, dateRangeError);

export const SimilarQuery = z.object({ k, offset, ...filterFields }).refine(dateRangeIsOrdered, dateRangeError);

const paperId = z
  .string({ error: 'must be a paper id' })
  .min(1, { error: 'must not be empty', abort: true })
  .refine(atMostChars(MAX_ID_CHARS), { error: `must be at most ${MAX_ID_CHARS} characters` })
  .openapi({ maxLength: MAX_ID_CHARS });

/** A JSON number that must be an integer in [min, max], with messages naming the bound. */
const jsonInteger = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer', abort: true })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: max === Number.MAX_SAFE_INTEGER ? 'is too large' : `must be at most ${max}` });

/** A type error that tells a missing field ("is required") from one of the wrong type. */
const requiredAs = (typeError: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : typeError);

export const RecommendBody = z
  .object(
    {
      positive: z
        .array(paperId, { error: requiredAs('must be an array of paper ids') })
        .min(1, { error: 'must name at least one paper' })
        .max(MAX_IDS, { error: `must name at most ${MAX_IDS} papers` })
        .openapi({ description: 'Papers the results should resemble (1–100 ids).', example: ['factorized-visual-tokenization-and-generation'] }),
      negative: z
        .array(paperId, { error: 'must be an array of paper ids' })
        .max(MAX_IDS, { error: `must name at most ${MAX_IDS} papers` })
        .default([])
        .openapi({ description: 'Papers the results should move away from (0–100 ids).' }),
      text: freeText('must be a string')
        .optional()
        .openapi({ description: 'Optional free text that counts as one more positive example (leading and trailing spaces are ignored).' }),
      k: jsonInteger(1, MAX_K)
        .default(DEFAULT_K)
        .openapi({ description: `Number of results (1–${MAX_K}).` }),
      offset: jsonInteger(0, MAX_OFFSET)
        .default(0)
        .openapi({ description: `Results to skip, for pagination (0–${MAX_OFFSET}).` }),
      published_from: isoDate.optional().openapi({ description: 'Only papers published on or after this date (YYYY-MM-DD).' }),
      published_to: isoDate.optional().openapi({ description: 'Only papers published on or before this date (YYYY-MM-DD).' }),
      min_upvotes: jsonInteger(0).optional().openapi({ description: 'Only papers with at least this many upvotes.' }),
      has_code: z.boolean({ error: 'must be true or false' }).optional().openapi({ description: 'Only papers with (true) or without (false) a GitHub link.' }),
      category: categoryFilter.optional(),
    },
    { error: 'must be a JSON object' },
  )
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
  total_relation: z.enum(['eq', 'gte']).openapi({
    description:
      '`eq`: `total` is exact; `gte`: it is a lower bound (keyword search counts exactly up to 10,000 matches, then stops counting what it did not need to rank, like Elasticsearch’s `track_total_hits`).',
  }),
  offset: z.number().int(),
  k: z.number().int(),
  took_ms: z.number(),
};

export const SearchResponse = z
  .object({
    query: z.string(),
    mode: z.enum(SEARCH_MODES),
    degraded: z.boolean().openapi({ description: 'True when hybrid fell back to keyword-only because the model is unavailable.' }),
    degraded_reason: z
      .string()
      .nullable()
      .openapi({ description: 'Why the search was degraded (the embedding model’s load error, as /health reports it); null when `degraded` is false.' }),
    fusion: z
      .object({ rrf_k: z.number(), weights: z.object({ semantic: z.number(), keyword: z.number() }) })
      .nullable()
      .openapi({
        description:
          'Hybrid only: the RRF constant and the side weights used for this query (the semantic weight shrinks when its scores do not separate candidates).',
      }),
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

export const SyncStatus = z
  .object({
    source: z.string().openapi({ example: 'hf-daily', description: '`hf-daily`, `arxiv:<set>` or `arxiv-query:<query>`.' }),
    status: z.enum(['never', 'running', 'ok', 'failed']).openapi({
      description: '`running`: a sync is under way, or was stopped before it finished (then `resumable`); `never`: scheduled but not synced yet.',
    }),
    last_sync_at: nullableString.openapi({ description: 'When the last sync finished (or started, while running); ISO 8601.' }),
    last_success_at: nullableString.openapi({ description: 'When a sync last finished without error.' }),
    high_water: nullableString.openapi({ description: 'Date (YYYY-MM-DD) up to which the source is synced; the next sync continues from it.' }),
    error: nullableString.openapi({ description: 'For a failed sync: the source, the URL and the last error.' }),
    resumable: z.boolean().openapi({ description: 'A sync was interrupted; the next one continues where it stopped.' }),
    every: nullableString.openapi({ example: '6h', description: 'The PAPERSEEK_SYNC interval; null for a source synced only by hand.' }),
  })
  .openapi('SyncStatus');

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    papers: z.number().int(),
    pending_vectors: z.number().int().openapi({ description: 'Papers stored without a vector (ingested while the model was unavailable).' }),
    capabilities: z.object({
      keyword: z.boolean(),
      semantic: z.boolean(),
      hybrid: z.boolean(),
      similar: z.boolean().openapi({
        description:
          'Whether any paper has a vector: /papers/{id}/similar and /recommend compare stored vectors (no model needed), so without any they cannot answer.',
      }),
    }),
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
    sync: z.array(SyncStatus).openapi({
      description:
        'Each source the server syncs on its schedule (PAPERSEEK_SYNC) and each source the index was ever synced from (`paperseek sync`), with its last sync; empty when there are none.',
    }),
  })
  .openapi('Health');

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(apiErrorCodes).openapi({ example: 'BAD_REQUEST' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

// The response bodies' types, inferred from the schemas above: api/present.ts builds them, and the
// routes, the CLI's --json output and the MCP tools hand them on unchanged.
export type SearchResult = z.output<typeof SearchResult>;
export type SearchResponse = z.output<typeof SearchResponse>;
export type SimilarResponse = z.output<typeof SimilarResponse>;
export type RecommendResponse = z.output<typeof RecommendResponse>;
export type Paper = z.output<typeof Paper>;
export type SyncStatus = z.output<typeof SyncStatus>;
export type Health = z.output<typeof Health>;
export type ErrorResponse = z.output<typeof ErrorResponse>;
/** The page fields /search, /papers/{id}/similar and /recommend share. */
export type ResultPage = RecommendResponse;
