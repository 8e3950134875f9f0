// One page of search or similar-paper results as a table (--json prints api/present.ts's bodies).
import type { SearchPage } from '../search/types.ts';
import { figure, table, type Column } from './output.ts';

type Hit = SearchPage['hits'][number];

/** `width`: the terminal's (lineWidth in context.ts); the title column is cut to fit it. */
export function resultsTable(page: SearchPage, offset: number, width = Number.POSITIVE_INFINITY): string {
  if (page.hits.length === 0) return 'No results.';
  const hybrid = page.mode === 'hybrid';
  const rank = new Map(page.hits.map((hit, i) => [hit, offset + i + 1]));
  const columns: Column<Hit>[] = [
    { header: '#', value: (hit: Hit) => String(rank.get(hit)), align: 'right' },
    { header: 'score', value: (hit: Hit) => figure(hit.score, hybrid ? 4 : 3), align: 'right' },
    ...(hybrid
      ? [
          { header: 'sem', value: (hit: Hit) => figure(hit.scores.semantic), align: 'right' as const },
          { header: 'kw', value: (hit: Hit) => figure(hit.scores.keyword, 2), align: 'right' as const },
        ]
      : []),
    { header: 'published', value: (hit: Hit) => hit.paper.published ?? '-' },
    { header: 'up', value: (hit: Hit) => (hit.paper.upvotes === null ? '-' : String(hit.paper.upvotes)), align: 'right' },
    { header: 'code', value: (hit: Hit) => (hit.paper.github_url ? 'yes' : '') },
    // Only when some result has categories: pages from sources without them keep their width.
    ...(page.hits.some((hit) => hit.paper.categories?.length) ? [{ header: 'categories', value: categoryCell }] : []),
    { header: 'title / id', value: (hit: Hit) => hit.paper.title },
  ];
  return table<Hit>(page.hits, columns, { width, below: (hit) => hit.paper.id });
}

/** The first categories, so one paper listed in six does not squeeze the title. */
const MAX_CATEGORY_CELL = 2;
const categoryCell = (hit: Hit): string => {
  const categories = hit.paper.categories ?? [];
  if (categories.length === 0) return '-';
  return categories.slice(0, MAX_CATEGORY_CELL).join(' ') + (categories.length > MAX_CATEGORY_CELL ? ' …' : '');
};

export function pageSummary(page: SearchPage, offset: number, what: string, tookMs: number): string {
  const shown = page.hits.length;
  const range = shown === 0 ? '0' : `${offset + 1}–${offset + shown}`;
  const of = page.total === null ? '' : ` of ${page.totalExact ? '' : 'at least '}${page.total}`;
  return `${range}${of} ${what} · ${Math.round(tookMs)} ms`;
}
