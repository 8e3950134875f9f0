// The UI's view state ↔ page URL ↔ API request mapping (pure functions, no browser).
import { describe, expect, it } from 'vitest';
import { apiRequest, EMPTY_STATE, parseState, stateToSearch, type ViewState } from '../../src/ui/state.ts';

const full: ViewState = {
  q: 'latent diffusion',
  mode: 'keyword',
  filters: { publishedFrom: '2024-01-01', publishedTo: '2024-12-31', minUpvotes: '5', hasCode: 'true', category: 'cs.*' },
  similar: '',
};

describe('page URL', () => {
  it('round-trips every field, with the API parameter names', () => {
    const search = stateToSearch(full);
    expect(search).toBe('?q=latent+diffusion&mode=keyword&published_from=2024-01-01&published_to=2024-12-31&min_upvotes=5&has_code=true&category=cs.*');
    expect(parseState(search)).toEqual(full);
  });

  it('leaves defaults out, so the start page is just "/"', () => {
    expect(stateToSearch(EMPTY_STATE)).toBe('');
    expect(stateToSearch({ ...EMPTY_STATE, q: 'x' })).toBe('?q=x');
    expect(parseState('')).toEqual(EMPTY_STATE);
  });

  it('drops values the API would reject instead of failing the whole page', () => {
    const state = parseState('?q=x&mode=fuzzy&published_from=yesterday&min_upvotes=-3&has_code=maybe&category=cs.LG%27%3B--');
    expect(state).toEqual({ ...EMPTY_STATE, q: 'x' });
  });

  it('keeps the query while showing similar papers, so going back restores the search', () => {
    const state = parseState('?q=gan&similar=some-paper');
    expect(state).toMatchObject({ q: 'gan', similar: 'some-paper' });
  });
});

describe('API request', () => {
  it('asks /search with the mode, page and filters', () => {
    expect(apiRequest(full, 20)).toBe(
      'search?q=latent+diffusion&mode=keyword&k=10&offset=20&published_from=2024-01-01&published_to=2024-12-31&min_upvotes=5&has_code=true&category=cs.*',
    );
  });

  it('asks /papers/:id/similar (with filters, without query or mode) when showing similar papers', () => {
    expect(apiRequest({ ...full, similar: 'a/b c' }, 0)).toBe(
      'papers/a%2Fb%20c/similar?k=10&published_from=2024-01-01&published_to=2024-12-31&min_upvotes=5&has_code=true&category=cs.*',
    );
  });

  it('asks nothing for an empty query', () => {
    expect(apiRequest({ ...EMPTY_STATE, q: '   ' }, 0)).toBeNull();
  });
});
