// Builds the DOM for one result. Everything the server sends is inserted as text, except the
// `highlights` strings, which are HTML by contract and are still checked to hold nothing but <mark>.

import type { Result } from './api.ts';

type Child = Node | string | null | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== false) element.append(child);
  return element;
}

/** The nodes of a highlight string: text and <mark> elements only; anything else falls back to text. */
export function highlighted(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html; // template content is inert: no scripts run, no images load
  const onlyMarks = Array.from(template.content.querySelectorAll('*')).every((el) => el.tagName === 'MARK' && el.attributes.length === 0);
  if (onlyMarks) return template.content;
  const fragment = document.createDocumentFragment();
  fragment.append(template.content.textContent ?? '');
  return fragment;
}

const SNIPPET_CHARS = 280;

/** The abstract cut at a word boundary near SNIPPET_CHARS, for servers that send no snippet. */
export function snippet(text: string): string {
  if (text.length <= SNIPPET_CHARS) return text;
  const cut = text.slice(0, SNIPPET_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > SNIPPET_CHARS * 0.6 ? space : SNIPPET_CHARS).replace(/[\s,.;:]+$/, '')}…`;
}

const fmt = (value: number) => (Math.abs(value) >= 10 ? value.toFixed(1) : value.toPrecision(3));

const DATE_FORMAT = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const formatDate = (iso: string) => {
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? iso : DATE_FORMAT.format(date);
};

function scoreBreakdown(result: Result): HTMLElement {
  const items: [string, string][] = [];
  const { scores, ranks } = result;
  if (scores) {
    if (scores.fused !== null) items.push(['Fused', fmt(scores.fused)]);
    const side = (name: string, score: number | null, rank: number | null | undefined) => {
      if (score !== null) items.push([name, rank ? `${fmt(score)} (#${rank})` : fmt(score)]);
      else if (scores.fused !== null) items.push([name, '–']);
    };
    side('Semantic', scores.semantic, ranks?.semantic);
    side('Keyword', scores.keyword, ranks?.keyword);
  }
  if (items.length === 0) items.push(['Score', fmt(result.score)]);
  const list = h('dl', { class: 'scores', 'aria-label': 'Score breakdown' });
  for (const [name, value] of items) list.append(h('div', {}, h('dt', {}, name), h('dd', {}, value)));
  return list;
}

const SHOWN_AUTHORS = 3;

/** "Ada Lovelace, Alan Turing, Grace Hopper + 4 more", or a count when no names were sent. */
function authorLine(result: Result): string | null {
  const count = result.authorsCount ?? result.authors?.length ?? null;
  if (!result.authors) return count === null ? null : `${count} author${count === 1 ? '' : 's'}`;
  const shown = result.authors.slice(0, SHOWN_AUTHORS);
  const more = Math.max(0, (count ?? result.authors.length) - shown.length);
  return `${shown.join(', ')}${more > 0 ? ` + ${more} more` : ''}`;
}

/** The paper's categories as buttons that filter by them. */
function categoryList(result: Result): HTMLElement | null {
  if (!result.categories) return null;
  const list = h('ul', { class: 'categories', 'aria-label': 'Categories' });
  for (const category of result.categories) {
    list.append(h('li', {}, h('button', { type: 'button', class: 'category', 'data-category': category, title: `Only papers in ${category}` }, category)));
  }
  return list;
}

function metaLine(result: Result): HTMLElement {
  const parts: Child[] = [];
  const add = (node: Node | string) => {
    if (parts.length > 0) parts.push(h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '));
    parts.push(node);
  };
  if (result.published) add(h('time', { datetime: result.published }, formatDate(result.published)));
  if (result.upvotes !== null) add(`${result.upvotes} upvote${result.upvotes === 1 ? '' : 's'}`);
  const authors = authorLine(result);
  if (authors) add(h('span', { class: 'authors' }, authors));
  const link = (href: string, text: string) => h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, text);
  if (result.url && /^https?:\/\//.test(result.url)) add(link(result.url, 'Paper'));
  if (result.doi) add(link(`https://doi.org/${encodeURI(result.doi)}`, 'DOI'));
  if (result.githubUrl && /^https?:\/\//.test(result.githubUrl)) add(link(result.githubUrl, 'Code'));
  if (result.projectUrl && /^https?:\/\//.test(result.projectUrl)) add(link(result.projectUrl, 'Project page'));
  return h('p', { class: 'meta' }, ...parts);
}

/**
 * Marks a "Similar papers" button as unable to work, with the reason as its tooltip and
 * description. It stays focusable (aria-disabled, not disabled) so the reason can be read.
 */
export function disableSimilar(button: HTMLButtonElement, reason: string): void {
  button.setAttribute('aria-disabled', 'true');
  button.title = reason;
}

/**
 * One result as a list item; `position` is its 1-based place in the whole list.
 * `similarUnavailable`: why "Similar papers" cannot work on this server (null when it can).
 */
export function renderResult(result: Result, position: number, similarUnavailable: string | null = null): HTMLLIElement {
  const titleId = `result-${position}-title`;
  const title = h('h3', { id: titleId, class: 'title' });
  title.append(result.highlights ? highlighted(result.highlights.title) : result.title);
  const text = h('p', { class: 'snippet' });
  text.append(result.highlights ? highlighted(result.highlights.abstract) : snippet(result.abstract));
  const similar = h('button', { type: 'button', class: 'similar', 'data-similar': result.id, 'aria-describedby': titleId }, 'Similar papers');
  if (similarUnavailable !== null) disableSimilar(similar, similarUnavailable);
  const article = h(
    'article',
    { tabindex: '-1', 'aria-labelledby': titleId, 'data-id': result.id },
    h('span', { class: 'position', 'aria-hidden': 'true' }, `${position}`),
    title,
    metaLine(result),
    categoryList(result),
    text,
    h('div', { class: 'actions' }, similar, scoreBreakdown(result)),
  );
  return h('li', { class: 'result' }, article);
}
