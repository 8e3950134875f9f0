// The page controller: form ↔ state ↔ URL, one search in flight at a time, rendering of result
// pages, and keyboard navigation. The URL is the source of truth: every view is a shareable link.

import { ApiError, fetchHealth, fetchPage, fetchPaperTitle, type Result } from './api.ts';
import { disableSimilar, renderResult } from './render.ts';
import {
  apiRequest,
  EMPTY_STATE,
  hasFilters,
  modeOf,
  NO_FILTERS,
  PAGE_SIZE,
  parseState,
  sameState,
  stateToSearch,
  validCategory,
  type ViewState,
} from './state.ts';

const DEBOUNCE_MS = 250;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  form: byId<HTMLFormElement>('search-form'),
  q: byId<HTMLInputElement>('q'),
  from: byId<HTMLInputElement>('published_from'),
  to: byId<HTMLInputElement>('published_to'),
  minUpvotes: byId<HTMLInputElement>('min_upvotes'),
  hasCode: byId<HTMLSelectElement>('has_code'),
  category: byId<HTMLInputElement>('category'),
  clearFilters: byId<HTMLButtonElement>('clear-filters'),
  region: byId<HTMLElement>('results-region'),
  similarBar: byId<HTMLElement>('similar-bar'),
  backToSearch: byId<HTMLButtonElement>('back-to-search'),
  heading: byId<HTMLHeadingElement>('results-heading'),
  status: byId<HTMLElement>('status'),
  notice: byId<HTMLElement>('notice'),
  error: byId<HTMLElement>('error'),
  intro: byId<HTMLElement>('intro'),
  results: byId<HTMLOListElement>('results'),
  more: byId<HTMLButtonElement>('more'),
  health: byId<HTMLElement>('health'),
};
const modeInputs = () => Array.from(el.form.querySelectorAll<HTMLInputElement>('input[name="mode"]'));

let state: ViewState = EMPTY_STATE;
let shown: Result[] = [];
let total: number | null = null;
let totalExact = true;
let inFlight: AbortController | undefined;
let debounce: ReturnType<typeof setTimeout> | undefined;
/** The current history entry was pushed by typing; further typing replaces it instead of piling up. */
let typingEntry = false;
/** Why "Similar papers" cannot work on this server (no paper has a vector), from /health; null when it can. */
let similarUnavailable: string | null = null;

// ── form ↔ state ────────────────────────────────────────────────────────────

function readForm(): ViewState {
  const mode = modeInputs().find((input) => input.checked)?.value;
  const hasCode = el.hasCode.value;
  const minUpvotes = el.minUpvotes.value.trim();
  return {
    q: el.q.value,
    mode: modeOf(mode),
    filters: {
      publishedFrom: el.from.value,
      publishedTo: el.to.value,
      minUpvotes: /^\d+$/.test(minUpvotes) ? String(Number(minUpvotes)) : '',
      hasCode: hasCode === 'true' || hasCode === 'false' ? hasCode : '',
      // A value the API would reject is left out (the field shows it as invalid) rather than sent.
      category: validCategory(el.category.value),
    },
    similar: state.similar,
  };
}

function writeForm(view: ViewState): void {
  if (el.q.value !== view.q) el.q.value = view.q;
  for (const input of modeInputs()) input.checked = input.value === view.mode;
  el.from.value = view.filters.publishedFrom;
  el.to.value = view.filters.publishedTo;
  el.minUpvotes.value = view.filters.minUpvotes;
  el.hasCode.value = view.filters.hasCode;
  // Keep what is being typed (possibly invalid) unless the view names another category.
  if (validCategory(el.category.value) !== view.filters.category) el.category.value = view.filters.category;
  el.clearFilters.hidden = !hasFilters(view.filters);
}

// ── navigation ──────────────────────────────────────────────────────────────

/** Shows `next`: records it in history (push, or replace while typing) and loads its first page. */
function navigate(next: ViewState, how: 'push' | 'replace' = 'push'): void {
  const changed = !sameState(next, state);
  state = next;
  if (changed) {
    const url = `${location.pathname}${stateToSearch(next)}`;
    if (how === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  writeForm(next);
  void load(true);
}

function onTyping(): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    const next = { ...readForm(), similar: '' };
    if (sameState(next, state)) return;
    navigate(next, typingEntry ? 'replace' : 'push');
    typingEntry = true;
  }, DEBOUNCE_MS);
}

function commit(next: ViewState): void {
  clearTimeout(debounce);
  typingEntry = false;
  navigate(next);
}

// ── loading and rendering ───────────────────────────────────────────────────

async function load(reset: boolean): Promise<void> {
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const offset = reset ? 0 : shown.length;
  const path = apiRequest(state, offset);
  showError(null);
  el.notice.hidden = true;
  renderContext();
  if (reset) {
    shown = [];
    total = null;
    el.results.replaceChildren();
    el.more.hidden = true;
  }
  el.intro.hidden = path !== null;
  if (path === null) {
    el.status.textContent = '';
    document.title = 'paperseek';
    return;
  }
  el.region.setAttribute('aria-busy', 'true');
  el.status.textContent = reset ? 'Searching…' : 'Loading more…';
  el.more.disabled = true;
  try {
    const page = await fetchPage(path, controller.signal);
    if (controller.signal.aborted) return;
    const known = new Set(shown.map((r) => r.id));
    // Servers that ignore `offset` send the first page again; only new papers are appended.
    const fresh = page.results.filter((r) => !known.has(r.id));
    fresh.forEach((result, i) => el.results.append(renderResult(result, shown.length + i + 1, similarUnavailable)));
    shown = [...shown, ...fresh];
    total = page.total;
    totalExact = page.totalExact;
    const more = total !== null ? shown.length < total : page.results.length === PAGE_SIZE && fresh.length > 0;
    el.more.hidden = !more;
    el.status.textContent = describe(page.tookMs);
    if (page.degraded) showNotice(`Keyword results only: ${page.degradedReason ?? 'the embedding model is unavailable.'}`);
    document.title = state.similar ? 'Similar papers · paperseek' : `${state.q.trim()} · paperseek`;
  } catch (error) {
    if (controller.signal.aborted) return;
    el.status.textContent = '';
    showError(error);
  } finally {
    if (inFlight === controller) {
      el.region.removeAttribute('aria-busy');
      el.more.disabled = false;
    }
  }
}

function describe(tookMs: number | null): string {
  const count = shown.length;
  const what = state.similar ? 'similar papers' : `results for “${state.q.trim()}”`;
  if (count === 0) {
    return hasFilters(state.filters) ? `No ${what} match these filters. Try clearing some of them.` : `No ${what}. Try other words or another mode.`;
  }
  const of = total !== null ? ` of ${totalExact ? '' : 'at least '}${total}` : '';
  const how = state.similar ? '' : ` · ${state.mode}`;
  const time = tookMs !== null ? ` · ${Math.round(tookMs)} ms` : '';
  return `Showing ${count}${of} ${what}${how}${time}`;
}

/** The similar-papers banner, fetched title included. */
function renderContext(): void {
  el.similarBar.hidden = !state.similar;
  el.heading.classList.toggle('visually-hidden', !state.similar);
  if (!state.similar) {
    el.heading.textContent = 'Results';
    return;
  }
  const id = state.similar;
  const known = shown.find((r) => r.id === id);
  el.heading.textContent = `Papers similar to “${known?.title ?? id}”`;
  if (!known) {
    fetchPaperTitle(id)
      .then((title) => {
        if (state.similar === id) el.heading.textContent = `Papers similar to “${title}”`;
      })
      .catch(() => undefined); // the results request reports a missing paper
  }
}

function showError(error: unknown): void {
  el.error.hidden = error === null;
  el.error.replaceChildren();
  if (error === null) return;
  const message = error instanceof ApiError ? error.message : 'Something went wrong while searching.';
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.textContent = 'Try again';
  retry.addEventListener('click', () => void load(true));
  const text = document.createElement('p');
  text.textContent = `Search failed: ${message}`;
  el.error.append(text, retry);
}

function showNotice(text: string): void {
  el.notice.textContent = text;
  el.notice.hidden = false;
}

// ── keyboard navigation ─────────────────────────────────────────────────────

const articles = () => Array.from(el.results.querySelectorAll<HTMLElement>('article'));

function focusResult(index: number): void {
  const list = articles();
  if (list.length === 0) return;
  const target = list[Math.max(0, Math.min(index, list.length - 1))]!;
  target.focus();
  target.scrollIntoView({ block: 'nearest' });
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  if (target === el.q && event.key === 'ArrowDown' && articles().length > 0) {
    event.preventDefault();
    focusResult(0);
    return;
  }
  if (typing) return;
  const article = target.closest('article');
  const index = article ? articles().indexOf(article) : -1;
  switch (event.key) {
    case '/':
      event.preventDefault();
      el.q.focus();
      el.q.select();
      return;
    case 'ArrowDown':
    case 'j':
      if (index < 0 && event.key === 'ArrowDown') return; // keep page scrolling outside the list
      event.preventDefault();
      focusResult(index + 1);
      return;
    case 'ArrowUp':
    case 'k':
      if (index < 0) return;
      event.preventDefault();
      if (index === 0) el.q.focus();
      else focusResult(index - 1);
      return;
    case 'Home':
    case 'End':
      if (index < 0) return;
      event.preventDefault();
      focusResult(event.key === 'Home' ? 0 : articles().length - 1);
      return;
    case 's':
      if (article?.dataset.id) showSimilar(article.dataset.id);
      return;
    case 'Escape':
      el.q.focus();
      return;
  }
}

function showSimilar(id: string): void {
  if (similarUnavailable !== null) {
    showNotice(similarUnavailable); // the button and the "s" key say why instead of asking for a sure failure
    return;
  }
  commit({ ...state, similar: id });
  el.region.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}

// ── wiring ──────────────────────────────────────────────────────────────────

el.q.addEventListener('input', onTyping);
el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = { ...readForm(), similar: '' };
  if (sameState(next, state)) {
    clearTimeout(debounce);
    void load(true); // the same search again: refresh it
  } else {
    commit(next);
  }
});
for (const input of modeInputs()) {
  // A mode belongs to text search: choosing one leaves the similar-papers view.
  input.addEventListener('change', () => commit({ ...readForm(), similar: state.q.trim() ? '' : state.similar }));
}
for (const input of [el.from, el.to, el.minUpvotes, el.hasCode, el.category]) {
  input.addEventListener('change', () => commit(readForm()));
}
el.clearFilters.addEventListener('click', () => {
  el.category.value = ''; // also text the filter ignored as invalid
  commit({ ...readForm(), filters: NO_FILTERS });
});
el.backToSearch.addEventListener('click', () => {
  commit({ ...state, similar: '' });
  el.q.focus();
});
el.results.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-similar]');
  if (button?.dataset.similar) showSimilar(button.dataset.similar);
  const category = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-category]')?.dataset.category;
  if (category && validCategory(category)) commit({ ...state, filters: { ...state.filters, category } });
});
el.more.addEventListener('click', () => {
  const next = shown.length; // focus the first new result once it arrives
  void load(false).then(() => focusResult(next));
});
document.addEventListener('keydown', onKeyDown);
window.addEventListener('popstate', () => {
  clearTimeout(debounce);
  typingEntry = false;
  state = parseState(location.search);
  writeForm(state);
  void load(true);
});

fetchHealth()
  .then((health) => {
    const parts = [health.papers !== null ? `${health.papers} papers` : null, health.model ? `model ${health.model}` : null];
    const limits = `${health.semantic ? '' : ' · model unavailable: keyword search only'}${health.similar ? '' : ' · no vectors: similar papers unavailable'}`;
    el.health.textContent = `${parts.filter(Boolean).join(' · ')}${limits} · `;
    if (!health.semantic) {
      // Semantic search would answer 503; hybrid still works (the server falls back to keyword).
      const semantic = modeInputs().find((input) => input.value === 'semantic');
      semantic?.parentElement?.append(' (unavailable)');
    }
    if (!health.similar) {
      // Similar papers compares stored vectors; with none, every request would fail.
      similarUnavailable = health.semantic
        ? 'Similar papers is unavailable: no paper has a vector yet (they are still being embedded).'
        : 'Similar papers is unavailable: no paper has a vector, and the server has no embedding model to make them.';
      const reason = similarUnavailable;
      el.results.querySelectorAll<HTMLButtonElement>('button[data-similar]').forEach((button) => disableSimilar(button, reason));
    }
  })
  .catch(() => undefined);

state = parseState(location.search);
writeForm(state);
void load(true);
