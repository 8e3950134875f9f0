// POST /mcp: the MCP tools over Streamable HTTP, stateless. Each request gets its own server and
// transport (nothing to keep between requests, and any worker of `serve --workers` can answer),
// and the answer is plain JSON rather than an event stream. GET and DELETE (server-sent events,
// session end) have nothing to do without sessions: they get the app's 405.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { SearchService } from '../search/search-service.ts';
import { createMcpServer } from './server.ts';

export const MCP_PATH = '/mcp';

export function registerMcp(app: OpenAPIHono, search: SearchService): void {
  app.post(MCP_PATH, async (c) => {
    const server = createMcpServer(search);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      // With JSON responses the answer is complete when handleRequest resolves.
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
}
