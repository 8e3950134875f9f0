// Shared checks for the MCP tests: the same conversation over stdio and over HTTP.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';

export const TOOL_NAMES = ['get_paper', 'recommend_papers', 'search_papers', 'similar_papers'];
export const QUERY = 'disentanglement in diffusion';

export interface Called {
  isError?: boolean;
  text: string;
  body: any;
}

/** Calls a tool; its one text block and its structured content. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Called> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  return { isError: result.isError as boolean | undefined, text: content[0]!.text, body: result.structuredContent };
}

/** Lists the tools and checks each one's schemas; returns the listing by name. */
export async function listTools(client: Client) {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);
  for (const tool of tools) {
    expect(tool.description, tool.name).toBeTruthy();
    expect(tool.inputSchema.type).toBe('object');
    expect(tool.outputSchema?.type, tool.name).toBe('object');
    expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
  }
  return Object.fromEntries(tools.map((tool) => [tool.name, tool]));
}

/** Each tool once, checked for structured content and its text rendering; returns the first search hit's id. */
export async function callEachTool(client: Client): Promise<string> {
  const search = await call(client, 'search_papers', { query: QUERY, k: 5 });
  expect(search.isError).toBeFalsy();
  expect(search.body).toMatchObject({ query: QUERY, mode: 'hybrid', degraded: false, k: 5, offset: 0 });
  expect(search.body.results).toHaveLength(5);
  const [first] = search.body.results;
  // The text: a heading, then per hit its title, id, date, score and first sentence.
  expect(search.text.split('\n')[0]).toMatch(/^Search "disentanglement in diffusion" \(hybrid\): results 1–5 of \d+$/);
  const block = search.text.split('\n\n')[1]!.split('\n');
  expect(block).toEqual([`1. ${first.title}`, `   ${first.id} · ${first.published} · score ${first.score.toPrecision(4)}`, expect.any(String)]);
  const abstract = first.abstract.replace(/\s+/g, ' ').trim();
  const sentence = block[2]!.trim();
  expect(sentence).toMatch(/[.!?]$/);
  expect(sentence.length).toBeLessThan(abstract.length);
  expect(abstract.startsWith(sentence)).toBe(true);

  const paper = await call(client, 'get_paper', { id: first.id });
  expect(paper.isError).toBeFalsy();
  expect(paper.body).toMatchObject({ id: first.id, title: first.title, abstract: first.abstract });
  expect(paper.text.split('\n').slice(0, 2)).toEqual([first.title, `id: ${first.id}`]);
  expect(paper.text.endsWith(first.abstract.trim())).toBe(true);

  const similar = await call(client, 'similar_papers', { id: first.id, k: 3 });
  expect(similar.isError).toBeFalsy();
  expect(similar.body).toMatchObject({ id: first.id, k: 3 });
  expect(similar.body.results).toHaveLength(3);
  expect(similar.body.results.map((r: { id: string }) => r.id)).not.toContain(first.id);
  expect(similar.text).toMatch(new RegExp(`^Papers similar to ${first.id}: results 1–3`));

  const recommend = await call(client, 'recommend_papers', { positive: [first.id], text: 'diffusion models', k: 4, has_code: true });
  expect(recommend.isError).toBeFalsy();
  expect(recommend.body.results.length).toBeGreaterThan(0);
  for (const hit of recommend.body.results) {
    expect(hit.id).not.toBe(first.id);
    expect(hit.github_url).toBeTruthy();
  }
  return first.id;
}

/** Failures are tool errors with the API's messages. */
export async function checkErrors(client: Client): Promise<void> {
  expect(await call(client, 'get_paper', { id: 'no-such-paper' })).toEqual({ isError: true, text: 'No paper with id "no-such-paper".', body: undefined });
  const unknown = await call(client, 'recommend_papers', { positive: ['no-such-paper'] });
  expect(unknown).toMatchObject({ isError: true, text: 'Unknown paper id(s): no-such-paper.' });
  // Invalid arguments: the API's reason for each field.
  const invalid = await call(client, 'search_papers', { query: QUERY, k: 500, published_from: '2024-02-01', published_to: '2024-01-01' });
  expect(invalid.isError).toBe(true);
  expect(invalid.text).toContain('must be at most 100 at k');
  expect(invalid.text).toContain('must not be after published_to at published_from');
}
