// Runs judged queries through the search service in each mode and averages the metrics,
// overall and per query kind. Uses the same search path as the API, so it measures the product.
import { messageOf } from '../errors.ts';
import type { SearchService } from '../search/search-service.ts';
import type { SearchMode } from '../search/types.ts';
import { meanMetrics, scoreRanking, type Metrics } from './metrics.ts';
import type { JudgedQuery } from './queries.ts';

export const CUTOFF = 10;

export interface ModeReport {
  overall: Metrics;
  byKind: Record<string, Metrics>;
}

export type EvalReport = Record<string, ModeReport | { error: string }>;

export async function evaluate(search: SearchService, queries: readonly JudgedQuery[], modes: readonly SearchMode[]): Promise<EvalReport> {
  const report: EvalReport = {};
  for (const mode of modes) {
    try {
      report[mode] = await evaluateMode(search, queries, mode);
    } catch (error) {
      report[mode] = { error: messageOf(error) };
    }
  }
  return report;
}

async function evaluateMode(search: SearchService, queries: readonly JudgedQuery[], mode: SearchMode): Promise<ModeReport> {
  const perKind = new Map<string, Metrics[]>();
  const all: Metrics[] = [];
  for (const query of queries) {
    const page = await search.search({ query: query.query, mode, k: CUTOFF, offset: 0 });
    const metrics = scoreRanking(
      page.hits.map((hit) => hit.paper.id),
      query.relevant,
      CUTOFF,
    );
    all.push(metrics);
    perKind.set(query.kind, [...(perKind.get(query.kind) ?? []), metrics]);
  }
  const byKind = Object.fromEntries([...perKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, list]) => [kind, meanMetrics(list)]));
  return { overall: meanMetrics(all), byKind };
}
