// Keyword retrieval over the papers_fts table (FTS5, BM25 with the title weighted 2×):
// ranked matches, match counts and marked snippets. Takes plain terms, never FTS5 syntax.
import type { Db } from './database.ts';
import { filterCondition, isEmptyFilter, type PaperFilter, type SqlCondition } from './filters.ts';
import { StatementCache } from './statements.ts';
import type { Neighbour } from './vector-index.ts';

/** Title and abstract snippet with matched terms between MATCH_OPEN and MATCH_CLOSE. */
export interface MarkedText {
  title: string;
  abstract: string;
}

// Private-use characters as match markers: they cannot clash with the text, which the caller
// escapes before turning them into markup.
export const MATCH_OPEN = '\uE000';
export const MATCH_CLOSE = '\uE001';
const SNIPPET_TOKENS = 40;

/**
 * Highlights are computed on the first this many characters of an abstract. FTS5's snippet() costs
 * grow with the square of the matches in a document (a 1 MB abstract: 11 s for a three-word query;
 * 50,000 characters: 30 ms; 5,000: 0.4 ms), and a snippet shows ~40 tokens anyway.
 */
export const HIGHLIGHT_CHARS = 10_000;

// Same tokenizer as papers_fts (database.ts), so highlights mark exactly the words a search matched.
const TOKENIZE = `'porter unicode61 remove_diacritics 2'`;

/** Each term becomes a quoted FTS5 string, so `"`, `*`, `NEAR(`, `-`, `OR` in user text are just words. */
export function matchExpression(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
}

export class FullTextIndex {
  private readonly statements: StatementCache;

  constructor(db: Db) {
    this.statements = new StatementCache(db);
  }

  /** Matching labels with BM25 scores (higher is better), best first, ties by label. */
  search(terms: readonly string[], filter: PaperFilter | undefined, limit: number, offset = 0): Neighbour[] {
    if (terms.length === 0) return [];
    const matches = matchesPassing(filter);
    const rows = this.statements
      .get<{ label: number; rank: number }>(
        `SELECT papers_fts.rowid AS label, papers_fts.rank AS rank FROM ${matches.sql}
         ORDER BY papers_fts.rank, papers_fts.rowid LIMIT ? OFFSET ?`,
      )
      .all(matchExpression(terms), ...matches.params, limit, offset);
    // FTS5's rank is the negated BM25 score.
    return rows.map((row) => [row.label, -row.rank]);
  }

  count(terms: readonly string[], filter: PaperFilter | undefined): number {
    if (terms.length === 0) return 0;
    const matches = matchesPassing(filter);
    const row = this.statements.get<{ n: number }>(`SELECT count(*) AS n FROM ${matches.sql}`).get(matchExpression(terms), ...matches.params);
    return row?.n ?? 0;
  }

  /**
   * Marked title and abstract snippet for those of `papers` (one page of results) that match the
   * terms. The page's text (abstracts cut to HIGHLIGHT_CHARS) goes into a small TEMP FTS5 table of
   * this connection and FTS5 highlights it there: the cost is bounded by the page, never by the
   * length of one abstract or by re-running the query over the whole index.
   */
  highlights(terms: readonly string[], papers: ReadonlyMap<number, { title: string; abstract: string }>): Map<number, MarkedText> {
    if (terms.length === 0 || papers.size === 0) return new Map();
    // Prepared once; a no-op after the first run (and it recreates the table if temp_store dropped it).
    this.statements.get(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts USING fts5(title, abstract, tokenize = ${TOKENIZE})`).run();
    const insert = this.statements.get('INSERT INTO temp.page_fts (rowid, title, abstract) VALUES (?, ?, ?)');
    try {
      for (const [label, paper] of papers) insert.run(label, paper.title, paper.abstract.slice(0, HIGHLIGHT_CHARS));
      const rows = this.statements
        .get<{ label: number; title: string; abstract: string }>(
          `SELECT rowid AS label, highlight(page_fts, 0, ?, ?) AS title, snippet(page_fts, 1, ?, ?, '…', ?) AS abstract
           FROM temp.page_fts WHERE page_fts MATCH ?`,
        )
        .all(MATCH_OPEN, MATCH_CLOSE, MATCH_OPEN, MATCH_CLOSE, SNIPPET_TOKENS, matchExpression(terms));
      return new Map(rows.map((row) => [row.label, { title: row.title, abstract: row.abstract }]));
    } finally {
      this.statements.get('DELETE FROM temp.page_fts').run();
    }
  }
}

/**
 * FROM and WHERE for the matches that pass the filter; the first parameter is the MATCH expression.
 * Without a filter, FTS5 alone: its rowids are the papers' labels, and joining papers only to
 * filter nothing made ranking 5× and counting 30× slower at 100k papers.
 */
function matchesPassing(filter: PaperFilter | undefined): SqlCondition {
  if (isEmptyFilter(filter)) return { sql: 'papers_fts WHERE papers_fts MATCH ?', params: [] };
  const where = filterCondition(filter, 'p');
  return { sql: `papers_fts JOIN papers p ON p.label = papers_fts.rowid WHERE papers_fts MATCH ? AND ${where.sql}`, params: where.params };
}
