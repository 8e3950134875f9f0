// Short text renderings of tool results, for MCP clients that show the model text only: one
// block per hit with title, id, date, score and the abstract's first sentence. The full JSON
// (the HTTP API's response body, typed by its schema) is the result's structured content.
import type { Paper, ResultPage } from '../api/schemas.ts';

const MAX_SENTENCE_CHARS = 300;
const MAX_AUTHORS_SHOWN = 10;

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The first sentence of `text` (up to a `.`, `!` or `?` before a capital, digit or the end), cut at 300 characters. */
export function firstSentence(text: string): string {
  const flat = oneLine(text);
  const sentence = /^.*?[.!?](?=\s+[\p{Lu}\d("'[]|$)/u.exec(flat)?.[0] ?? flat;
  return sentence.length <= MAX_SENTENCE_CHARS ? sentence : `${sentence.slice(0, MAX_SENTENCE_CHARS - 1).trimEnd()}…`;
}

const score = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

/** `heading`, then one numbered block per result (numbers continue from the page's offset). */
export function renderPage(heading: string, body: ResultPage): string {
  const shown = body.results.length;
  const total = body.total === null ? '' : ` of ${body.total_relation === 'gte' ? 'at least ' : ''}${body.total}`;
  const range = shown === 0 ? 'no results' : `results ${body.offset + 1}–${body.offset + shown}${total}`;
  const blocks = body.results.map((hit, i) => {
    const facts = [hit.id, hit.published ?? 'undated', `score ${score(hit.score)}`].join(' · ');
    return `${body.offset + i + 1}. ${oneLine(hit.title)}\n   ${facts}\n   ${firstSentence(hit.abstract)}`;
  });
  return [`${heading}: ${range}`, ...blocks].join('\n\n');
}

export function renderPaper(paper: Paper): string {
  const authors = paper.authors && paper.authors.length > 0 ? paper.authors : null;
  const count = paper.authors_count ?? authors?.length ?? 0;
  const more = authors && count > MAX_AUTHORS_SHOWN ? ` and ${count - Math.min(authors.length, MAX_AUTHORS_SHOWN)} more` : '';
  const lines = [
    oneLine(paper.title),
    `id: ${paper.id}`,
    paper.published && `published: ${paper.published}`,
    authors && `authors: ${authors.slice(0, MAX_AUTHORS_SHOWN).join(', ')}${more}`,
    paper.categories && paper.categories.length > 0 && `categories: ${paper.categories.join(', ')}`,
    paper.url && `url: ${paper.url}`,
    paper.doi && `doi: ${paper.doi}`,
    paper.github_url && `code: ${paper.github_url}`,
    '',
    paper.abstract.trim(),
  ];
  return lines.filter((line): line is string => typeof line === 'string').join('\n');
}
