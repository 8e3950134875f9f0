import createClient from 'openapi-fetch';
import type { paths } from '../src/api/openapi-types.ts';

// Titles and dates of the best five papers for a query, from a paperseek server at baseUrl.
export async function searchTitles(baseUrl: string, q: string): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const { data, error } = await api.GET('/search', { params: { query: { q, k: 5, mode: 'hybrid' } } });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.results.map((paper) => `${paper.title} (${paper.published ?? 'undated'})`);
}
