// `paperseek mcp`: the Model Context Protocol over stdio, for AI assistants (Claude Desktop and
// other MCP clients start it as a child process). Same tools as /mcp on the HTTP server
// (../../mcp/server.ts). Standard output carries the protocol: every log line goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createMcpServer } from '../../mcp/server.ts';
import { SearchService } from '../../search/search-service.ts';
import { bindModel, loadModel, openExistingStore } from '../../app/runtime.ts';
import { type CommandContext, type OutputStream, println } from '../context.ts';

export function registerMcp(program: Command, context: CommandContext): void {
  program
    .command('mcp')
    .description('serve the Model Context Protocol over stdio for AI assistants (tools: search_papers, get_paper, similar_papers, recommend_papers)')
    .action(async () => {
      // A stray console.log from any library would corrupt the protocol stream.
      console.log = console.info = console.debug = console.error;
      const config = loadConfig(context.env);
      const store = openExistingStore(config);
      const model = await loadModel(config, { forServing: true }).catch((error: unknown) => {
        store.close();
        throw error;
      });
      try {
        bindModel(store, model.embedder);
        if (!model.embedder)
          println(
            context.stderr,
            `warning: ${model.error.message}\nWithout a model: keyword search works; semantic search fails, hybrid falls back to keyword.`,
          );
      } catch (error) {
        store.close();
        await model.embedder?.dispose();
        throw error;
      }
      // Ingests publish new index generations; pick them up as `serve` does.
      const reload = config.reloadMs > 0 ? setInterval(() => refresh(store, context.stderr), config.reloadMs) : undefined;
      reload?.unref();
      const server = createMcpServer(new SearchService(store, model, config.search));
      await server.connect(new StdioServerTransport());
      println(context.stderr, `paperseek mcp: ${store.count()} papers in ${config.dataDir}, serving MCP on stdio`);

      // The client ends the session by closing our stdin (or by a signal).
      await new Promise<void>((resolve) => {
        process.stdin.once('end', resolve);
        process.stdin.once('close', resolve);
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(reload);
      await server.close();
      store.close();
      await model.embedder?.dispose();
      process.exit(0);
    });
}

function refresh(store: { refresh(): unknown }, stderr: OutputStream): void {
  try {
    store.refresh();
  } catch (error) {
    println(stderr, `index reload failed; still serving the previous generation: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
