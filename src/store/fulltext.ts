// Marked snippets of a result page: the query's words highlighted by FTS5 itself, so they match
// what keyword search matched. Takes plain words, never FTS5 syntax. (Ranking: ./keyword-index.ts.)
import type { Db } from './database.ts';
import { FTS_TOKENIZE } from './keyword-index.ts';
import { StatementCache } from './statements.ts';

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

/** Each term becomes a quoted FTS5 string, so `"`, `*`, `NEAR(`, `-`, `OR` in user text are just words. */
export function matchExpression(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
}

export class FullTextIndex {
  private readonly statements: StatementCache;

  constructor(db: Db) {
    this.statements = new StatementCache(db);
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
    this.statements.get(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts USING fts5(title, abstract, tokenize = ${FTS_TOKENIZE})`).run();
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
