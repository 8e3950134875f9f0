// `paperseek mcp` as an MCP client starts it: a child process (`node --import tsx
// src/cli/main.ts mcp`) speaking the protocol on stdin/stdout, driven by the SDK's client.
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { runCli } from '../support/cli.ts';
import { SAMPLE_FILE, tempDir } from '../support/fixtures.ts';
import { callEachTool, checkErrors, listTools } from './tools.ts';

const dir = tempDir();
const env = () => ({ PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'), PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });
let client: Client;
let transport: StdioClientTransport;
let stderr = '';
/** Errors the client's transport reported: a line on stdout that is not a protocol message would be one. */
const clientErrors: Error[] = [];

beforeAll(async () => {
  const ingest = await runCli(['ingest', '--captured-year', '2025', SAMPLE_FILE], env());
  expect(ingest.code, ingest.stderr).toBe(0);
  transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', 'src/cli/main.ts', 'mcp'],
    cwd: path.resolve('.'),
    env: { ...(process.env as Record<string, string>), ...env() },
    stderr: 'pipe',
  });
  transport.stderr!.on('data', (chunk) => (stderr += chunk));
  client = new Client({ name: 'paperseek-test', version: '1.0.0' });
  client.onerror = (error) => clientErrors.push(error);
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  dir.remove();
});

describe('paperseek mcp (stdio)', () => {
  it('introduces itself and logs to stderr only', () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'paperseek' });
    expect(client.getInstructions()).toContain('search_papers');
    expect(stderr).toContain('paperseek mcp: 68 papers in');
  });

  it('lists the four tools with input schemas made of the API fields', async () => {
    const tools = await listTools(client);
    const search = tools.search_papers!.inputSchema as any;
    expect(search.required).toEqual(['query']);
    expect(search.properties.mode.enum).toEqual(['hybrid', 'semantic', 'keyword']);
    expect(search.properties.k).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 10 });
    expect(search.properties.category.description).toContain('cs.LG');
    expect((tools.recommend_papers!.inputSchema as any).required).toEqual(['positive']);
  });

  it('answers each tool with structured content and a text rendering', async () => {
    await callEachTool(client);
  });

  it('answers failures with tool errors carrying the API messages', async () => {
    await checkErrors(client);
  });

  it('wrote nothing but protocol messages to stdout', () => {
    expect(clientErrors).toEqual([]);
  });

  it('exits when the client closes the connection', async () => {
    const pid = transport.pid!;
    await client.close();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive()).toBe(false);
  });
});
