// Highlights safe to insert as HTML: the text is escaped first, then match markers become <mark>.
import { MATCH_CLOSE, MATCH_OPEN, type MarkedText } from '../store/fulltext.ts';
import type { PaperRecord } from '../sources/record.ts';

const PLAIN_SNIPPET_WORDS = 40;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function markup(marked: MarkedText): MarkedText {
  const html = (text: string) => escapeHtml(text).replaceAll(MATCH_OPEN, '<mark>').replaceAll(MATCH_CLOSE, '</mark>');
  return { title: html(marked.title), abstract: html(marked.abstract) };
}

/** For papers the keyword side did not match: escaped title and the abstract's opening words. */
export function plainHighlight(paper: PaperRecord): MarkedText {
  const words = paper.abstract.split(/\s+/);
  const opening = words.slice(0, PLAIN_SNIPPET_WORDS).join(' ');
  return { title: escapeHtml(paper.title), abstract: escapeHtml(words.length > PLAIN_SNIPPET_WORDS ? `${opening}…` : opening) };
}
