// The MCP tools' input schemas, made of the HTTP API's own zod fields (src/api/schemas.ts): the
// same rules and error reasons. Numbers and booleans come from the JSON body of POST /recommend
// (GET /search reads them as query-string text), and each field carries the description and JSON
// Schema hints it has in the OpenAPI document, so an assistant reads the same documentation.
import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { dateRangeError, dateRangeIsOrdered, PaperParams, RecommendBody, SearchQuery } from '../api/schemas.ts';

/** A copy of an API field with its OpenAPI description, bounds, pattern and example (and `description` when given). */
function documented<T extends z.ZodType>(field: T, description?: string): T {
  const openapi = (zodToOpenAPIRegistry.get(field) ?? {}) as { description?: string; maxLength?: number; pattern?: string; example?: unknown };
  const meta: Record<string, unknown> = { description: description ?? openapi.description };
  if (openapi.maxLength !== undefined) meta.maxLength = openapi.maxLength;
  if (openapi.pattern !== undefined) meta.pattern = openapi.pattern;
  if (openapi.example !== undefined) meta.examples = [openapi.example];
  return field.meta(meta) as T;
}

const body = RecommendBody.shape;

const page = { k: documented(body.k), offset: documented(body.offset) };

const filters = {
  published_from: documented(body.published_from),
  published_to: documented(body.published_to),
  min_upvotes: documented(body.min_upvotes),
  has_code: documented(body.has_code),
  category: documented(body.category),
};

const paperId = documented(PaperParams.shape.id, 'Paper id, as search results give it (the id given at ingest, or the title slug).');

export const SearchPapersInput = z
  .object({ query: documented(SearchQuery.shape.q), mode: documented(SearchQuery.shape.mode), ...page, ...filters })
  .refine(dateRangeIsOrdered, dateRangeError);

export const GetPaperInput = z.object({ id: paperId });

export const SimilarPapersInput = z.object({ id: paperId, ...page, ...filters }).refine(dateRangeIsOrdered, dateRangeError);

export const RecommendPapersInput = z
  .object({
    positive: documented(body.positive),
    negative: documented(body.negative),
    text: documented(body.text),
    ...page,
    ...filters,
  })
  .refine(dateRangeIsOrdered, dateRangeError);
