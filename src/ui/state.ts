// What the page shows, as plain data, and its two encodings: the page URL (shareable; the back
// button walks through it) and the API request for one page of results. No DOM here.
// The modes, the page size and the date rule are the API's own (../contract.ts: no imports, so
// safe to bundle for the browser).
import { DEFAULT_K, DEFAULT_MODE, isIsoDate, SEARCH_MODES, type SearchMode } from '../contract.ts';
import { CATEGORY_PATTERN } from '../store/category.ts';

/** Results a page of the UI asks for: the API's default page. */
export const PAGE_SIZE = DEFAULT_K;

/** A mode as the API names it, or the default mode for anything else. */
export const modeOf = (text: string | undefined): SearchMode =>
  (SEARCH_MODES as readonly (string | undefined)[]).includes(text) ? (text as SearchMode) : DEFAULT_MODE;

export interface Filters {
  /** Inclusive YYYY-MM-DD bounds; '' when unset. */
  publishedFrom: string;
  publishedTo: string;
  /** A non-negative integer as text; '' when unset. */
  minUpvotes: string;
  hasCode: '' | 'true' | 'false';
  /** `cs.LG`, `cs.*`…, as the API's `category` parameter takes it; '' when unset. */
  category: string;
}

export interface ViewState {
  q: string;
  mode: SearchMode;
  filters: Filters;
  /** Paper id whose similar papers are shown instead of search results; '' for a search. */
  similar: string;
}

export const NO_FILTERS: Filters = { publishedFrom: '', publishedTo: '', minUpvotes: '', hasCode: '', category: '' };
export const EMPTY_STATE: ViewState = { q: '', mode: DEFAULT_MODE, filters: NO_FILTERS, similar: '' };

// URL parameters use the API's names, so a page URL reads like the request behind it.
const FILTER_PARAMS = [
  ['publishedFrom', 'published_from'],
  ['publishedTo', 'published_to'],
  ['minUpvotes', 'min_upvotes'],
  ['hasCode', 'has_code'],
  ['category', 'category'],
] as const;

const COUNT = /^\d{1,9}$/;

/** A category as typed (trimmed), or '' when the API would reject it. */
export const validCategory = (text: string): string => (CATEGORY_PATTERN.test(text.trim()) ? text.trim() : '');

/** Reads a page URL's query string; values that the API would reject are dropped. */
export function parseState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const get = (name: string) => (params.get(name) ?? '').trim();
  const hasCode = get('has_code');
  return {
    q: params.get('q') ?? '',
    mode: modeOf(get('mode')),
    filters: {
      publishedFrom: isIsoDate(get('published_from')) ? get('published_from') : '',
      publishedTo: isIsoDate(get('published_to')) ? get('published_to') : '',
      minUpvotes: COUNT.test(get('min_upvotes')) ? String(Number(get('min_upvotes'))) : '',
      hasCode: hasCode === 'true' || hasCode === 'false' ? hasCode : '',
      category: validCategory(get('category')),
    },
    similar: get('similar'),
  };
}

/** The query string for a page URL ('' for the empty start page); defaults are left out. */
export function stateToSearch(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q);
  if (state.mode !== DEFAULT_MODE) params.set('mode', state.mode);
  appendFilters(params, state.filters);
  if (state.similar) params.set('similar', state.similar);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API path for one page of what `state` shows, or null when there is nothing to ask. */
export function apiRequest(state: ViewState, offset: number, k = PAGE_SIZE): string | null {
  const params = new URLSearchParams();
  let path: string;
  if (state.similar) {
    path = `papers/${encodeURIComponent(state.similar)}/similar`;
  } else if (state.q.trim()) {
    path = 'search';
    params.set('q', state.q.trim());
    params.set('mode', state.mode);
  } else {
    return null;
  }
  params.set('k', String(k));
  if (offset > 0) params.set('offset', String(offset));
  appendFilters(params, state.filters);
  return `${path}?${params}`;
}

export const hasFilters = (filters: Filters): boolean => FILTER_PARAMS.some(([key]) => filters[key] !== '');

export const sameState = (a: ViewState, b: ViewState): boolean => stateToSearch(a) === stateToSearch(b);

function appendFilters(params: URLSearchParams, filters: Filters): void {
  for (const [key, name] of FILTER_PARAMS) if (filters[key] !== '') params.set(name, filters[key]);
}
