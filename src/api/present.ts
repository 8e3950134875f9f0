// Turns search pages into the public response shapes.
import type { PaperFilter } from '../store/filters.ts';
import type { SearchHit, SearchPage } from '../search/types.ts';
import { MAX_RESULT_AUTHORS } from './schemas.ts';

const round = (value: number | null) => (value === null ? null : Math.round(value * 1e6) / 1e6);

export const toResult = ({ paper, score, scores, ranks, highlights }: SearchHit) => ({
  id: paper.id,
  title: paper.title,
  score: round(score)!,
  scores: { semantic: round(scores.semantic), keyword: round(scores.keyword), fused: round(scores.fused) },
  ranks,
  highlights,
  abstract: paper.abstract,
  published: paper.published,
  updated: paper.updated,
  upvotes: paper.upvotes,
  // A page of results stays small even for papers with a thousand authors (collaborations).
  authors: paper.authors && paper.authors.slice(0, MAX_RESULT_AUTHORS),
  authors_count: paper.authors_count ?? paper.authors?.length ?? null,
  categories: paper.categories,
  url: paper.url,
  doi: paper.doi,
  github_url: paper.github_url,
  project_url: paper.project_url,
});

export const toPage = (page: SearchPage, request: { k: number; offset: number }, started: number) => ({
  results: page.hits.map(toResult),
  total: page.total,
  total_relation: page.totalExact ? ('eq' as const) : ('gte' as const),
  offset: request.offset,
  k: request.k,
  took_ms: Math.round((performance.now() - started) * 100) / 100,
});

/** The /search body: the HTTP API, the MCP search tool and `paperseek search --json` all answer with it. */
export const toSearchBody = (query: string, page: SearchPage, request: { k: number; offset: number }, started: number) => ({
  query,
  mode: page.mode,
  degraded: page.degraded,
  degraded_reason: page.degradedReason,
  fusion: page.fusion ? { rrf_k: page.fusion.rrfK, weights: page.fusion.weights } : null,
  ...toPage(page, request, started),
});

/** The filter fields of a validated request, in the store's terms. */
export const toFilter = (input: {
  published_from?: string;
  published_to?: string;
  min_upvotes?: number;
  has_code?: boolean;
  category?: string;
}): PaperFilter => ({
  publishedFrom: input.published_from,
  publishedTo: input.published_to,
  minUpvotes: input.min_upvotes,
  hasCode: input.has_code,
  category: input.category,
});
