// Metadata filters shared by every search mode, compiled to one parameterised SQL condition.
// Only fixed column names appear in the SQL text; every user value travels as a parameter.
import { categoryMatch } from './category.ts';

export interface PaperFilter {
  /** Inclusive ISO dates (YYYY-MM-DD). Papers without a date never pass a date filter. */
  publishedFrom?: string;
  publishedTo?: string;
  minUpvotes?: number;
  /** true: a GitHub link is present; false: none is. */
  hasCode?: boolean;
  /** `cs.LG` (exact) or `cs.*` / `cs.` (prefix); see ./category.ts. Case is ignored. */
  category?: string;
}

export interface SqlCondition {
  sql: string;
  params: (string | number)[];
}

export function isEmptyFilter(filter: PaperFilter | undefined): boolean {
  return !filter || Object.values(filter).every((value) => value === undefined);
}

/** A WHERE condition over the `papers` table aliased as `alias` ("1" when nothing is filtered). */
/**
 * The filter as a WHERE condition on `alias`. `scan` (for queries over many papers) reaches the
 * category's papers through paper_categories, materialized once per statement; `lookup` (for
 * checking a given list of papers) tests each paper's own categories instead, so the cost follows
 * the list, not the size of the category (a popular category has tens of thousands of papers).
 */
export function filterCondition(filter: PaperFilter | undefined, alias = 'papers', mode: 'scan' | 'lookup' = 'scan'): SqlCondition {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (filter?.publishedFrom !== undefined) {
    parts.push(`${alias}.published >= ?`);
    params.push(filter.publishedFrom);
  }
  if (filter?.publishedTo !== undefined) {
    parts.push(`${alias}.published <= ?`);
    params.push(filter.publishedTo);
  }
  if (filter?.minUpvotes !== undefined) {
    // A paper without an upvote count has none, as far as anyone knows.
    parts.push(`coalesce(${alias}.upvotes, 0) >= ?`);
    params.push(filter.minUpvotes);
  }
  if (filter?.hasCode !== undefined) parts.push(`${alias}.github_url IS ${filter.hasCode ? 'NOT NULL' : 'NULL'}`);
  if (filter?.category !== undefined) {
    // The labels come from paper_categories' primary key (category, label): a lookup or a range
    // scan, never a pass over every paper's JSON. `label IN` then reaches papers by rowid.
    const match = categoryMatch(filter.category);
    const own = `EXISTS (SELECT 1 FROM json_each(${alias}.categories) WHERE type = 'text' AND`;
    if (mode === 'lookup' && 'exact' in match) {
      parts.push(`${own} value = ? COLLATE NOCASE)`);
      params.push(match.exact);
    } else if (mode === 'lookup' && !('exact' in match)) {
      parts.push(`${own} value >= ? COLLATE NOCASE AND value < ? COLLATE NOCASE)`);
      params.push(match.from, match.below);
    } else if ('exact' in match) {
      parts.push(`${alias}.label IN (SELECT label FROM paper_categories WHERE category = ?)`);
      params.push(match.exact);
    } else {
      parts.push(`${alias}.label IN (SELECT label FROM paper_categories WHERE category >= ? AND category < ?)`);
      params.push(match.from, match.below);
    }
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}
