// The Model Context Protocol face of paperseek: four read-only tools over a SearchService, for AI
// assistants. Served over stdio by `paperseek mcp` and over Streamable HTTP at /mcp (./http.ts).
// Each result's structured content is the body the HTTP API answers with (the same presenter,
// declared as the tool's output schema) and its text a short rendering (./render.ts). Failures
// are tool errors (isError) carrying the API's error message.
import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toFilter, toPaper, toRecommendBody, toRecommendRequest, toSearchBody, toSimilarBody } from '../api/present.ts';
import { Paper, RecommendResponse, SearchResponse, SimilarResponse } from '../api/schemas.ts';
import { isAppError } from '../errors.ts';
import type { SearchService } from '../search/search-service.ts';
import { GetPaperInput, RecommendPapersInput, SearchPapersInput, SimilarPapersInput } from './inputs.ts';
import { renderPage, renderPaper } from './render.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Every tool only reads the index. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

const INSTRUCTIONS =
  'Search a local index of research-paper abstracts. search_papers finds papers by meaning and keywords; ' +
  'get_paper returns one paper with its full abstract and all authors; similar_papers and recommend_papers ' +
  'find papers near given ones. Ids come from search results.';

export function createMcpServer(search: SearchService): McpServer {
  const server = new McpServer({ name: 'paperseek', version }, { instructions: INSTRUCTIONS });

  server.registerTool(
    'search_papers',
    {
      title: 'Search papers',
      description:
        'Search the paper index by meaning and by keywords (GET /search). Results best first, each with title, id, ' +
        'date, score and abstract. Filters narrow by date, upvotes, code link and category.',
      inputSchema: SearchPapersInput,
      outputSchema: SearchResponse,
      annotations: { title: 'Search papers', ...READ_ONLY },
    },
    (input) =>
      answer(async () => {
        const started = performance.now();
        const page = await search.search({ query: input.query, mode: input.mode, k: input.k, offset: input.offset, filter: toFilter(input) });
        const body = toSearchBody(input.query, page, input, started);
        const degraded = page.degraded ? `, degraded: ${page.degradedReason}` : '';
        return { body, text: renderPage(`Search "${input.query}" (${page.mode}${degraded})`, body) };
      }),
  );

  server.registerTool(
    'get_paper',
    {
      title: 'Get a paper',
      description: 'One paper by id (GET /papers/{id}): title, full abstract, all authors, dates, categories, links.',
      inputSchema: GetPaperInput,
      outputSchema: Paper,
      annotations: { title: 'Get a paper', ...READ_ONLY },
    },
    (input) =>
      answer(() => {
        const body = toPaper(search.paper(input.id));
        return { body, text: renderPaper(body) };
      }),
  );

  server.registerTool(
    'similar_papers',
    {
      title: 'Similar papers',
      description:
        'Papers nearest in meaning to a paper of the index, never the paper itself (GET /papers/{id}/similar), with the same filters as search_papers.',
      inputSchema: SimilarPapersInput,
      outputSchema: SimilarResponse,
      annotations: { title: 'Similar papers', ...READ_ONLY },
    },
    (input) =>
      answer(() => {
        const started = performance.now();
        const page = search.similar(input.id, { k: input.k, offset: input.offset, filter: toFilter(input) });
        const body = toSimilarBody(input.id, page, input, started);
        return { body, text: renderPage(`Papers similar to ${input.id}`, body) };
      }),
  );

  server.registerTool(
    'recommend_papers',
    {
      title: 'Recommend papers',
      description:
        'Papers near the positive example papers (and the optional text), away from the negative ones (POST /recommend); ' +
        'the example papers themselves are left out.',
      inputSchema: RecommendPapersInput,
      outputSchema: RecommendResponse,
      annotations: { title: 'Recommend papers', ...READ_ONLY },
    },
    (input) =>
      answer(async () => {
        const started = performance.now();
        const page = await search.recommend(toRecommendRequest(input));
        const body = toRecommendBody(page, input, started);
        return { body, text: renderPage(`Recommendations from ${input.positive.length} paper(s)`, body) };
      }),
  );

  return server;
}

/** A tool's result: an HTTP API response body and its short rendering. */
interface ToolAnswer {
  body: SearchResponse | SimilarResponse | RecommendResponse | Paper;
  text: string;
}

/**
 * Runs a tool: its body as structured content and its rendering as text, or a tool error with
 * the message the HTTP API would answer with (unexpected errors are logged, never shown).
 */
async function answer(work: () => ToolAnswer | Promise<ToolAnswer>): Promise<CallToolResult> {
  try {
    const { body, text } = await work();
    return { structuredContent: body as Record<string, unknown>, content: [{ type: 'text', text }] };
  } catch (error) {
    if (isAppError(error)) return { isError: true, content: [{ type: 'text', text: error.message }] };
    console.error('MCP tool call failed:', error);
    return { isError: true, content: [{ type: 'text', text: 'Internal server error.' }] };
  }
}
