// The presenter: turns the search layer's plain data into the public response bodies, typed by the
// zod schemas (./schemas.ts). The HTTP routes, the MCP tools and the CLI's --json output all answer
// with these builders, so the bodies cannot drift apart.
import type { PaperRecord } from '../sources/record.ts';
import type { PaperFilter } from '../store/filters.ts';
import type { ServiceStatus } from '../search/search-service.ts';
import type { RecommendRequest, SearchHit, SearchPage } from '../search/types.ts';
import {
  MAX_RESULT_AUTHORS,
  type Health,
  type Paper,
  type RecommendResponse,
  type ResultPage,
  type SearchResponse,
  type SearchResult,
  type SimilarResponse,
} from './schemas.ts';

/** The page a request asked for, echoed in the body. */
export interface PageAsked {
  k: number;
  offset: number;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1e6) / 1e6);

export const toResult = ({ paper, score, scores, ranks, highlights }: SearchHit): SearchResult => ({
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

/** The fields every page of results carries; `started` is the request's performance.now(). */
export const toPage = (page: SearchPage, request: PageAsked, started: number): ResultPage => ({
  results: page.hits.map(toResult),
  total: page.total,
  total_relation: page.totalExact ? 'eq' : 'gte',
  offset: request.offset,
  k: request.k,
  took_ms: Math.round((performance.now() - started) * 100) / 100,
});

/** The /search body: the HTTP API, the MCP search tool and `paperseek search --json` all answer with it. */
export const toSearchBody = (query: string, page: SearchPage, request: PageAsked, started: number): SearchResponse => ({
  query,
  mode: page.mode,
  degraded: page.degraded,
  degraded_reason: page.degradedReason,
  fusion: page.fusion ? { rrf_k: page.fusion.rrfK, weights: page.fusion.weights } : null,
  ...toPage(page, request, started),
});

/** The /papers/{id}/similar body (the MCP similar tool, `paperseek similar --json`). */
export const toSimilarBody = (id: string, page: SearchPage, request: PageAsked, started: number): SimilarResponse => ({
  id,
  ...toPage(page, request, started),
});

/** The /recommend body (the MCP recommend tool). */
export const toRecommendBody = (page: SearchPage, request: PageAsked, started: number): RecommendResponse => toPage(page, request, started);

/** The /papers/{id} body (the MCP get_paper tool): the record's public fields. */
export const toPaper = (paper: PaperRecord): Paper => ({
  id: paper.id,
  title: paper.title,
  abstract: paper.abstract,
  authors: paper.authors,
  authors_count: paper.authors_count,
  published: paper.published,
  updated: paper.updated,
  categories: paper.categories,
  doi: paper.doi,
  upvotes: paper.upvotes,
  url: paper.url,
  github_url: paper.github_url,
  project_url: paper.project_url,
  extra: paper.extra,
});

/** The /health body (and the numbers /metrics reads): `degraded` without a model or with corrupt storage. */
export const toHealth = (status: ServiceStatus): Health => ({
  status: status.model.ready && status.storage !== 'corrupt' ? 'ok' : 'degraded',
  papers: status.papers,
  pending_vectors: status.pendingVectors,
  capabilities: status.capabilities,
  model: status.model,
  query_cache: status.queryCache && {
    capacity: status.queryCache.capacity,
    size: status.queryCache.size,
    hits: status.queryCache.hits,
    misses: status.queryCache.misses,
    hit_rate: status.queryCache.hitRate,
  },
  storage: status.storage,
  sync: status.sync,
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

/** A validated /recommend body (or the MCP tool's input, the same fields) as the search service's request. */
export const toRecommendRequest = (input: Omit<RecommendRequest, 'filter'> & Parameters<typeof toFilter>[0]): RecommendRequest => ({
  positive: input.positive,
  negative: input.negative,
  text: input.text,
  k: input.k,
  offset: input.offset,
  filter: toFilter(input),
});
