#!/usr/bin/env node
// The paperseek command line: one entry point, one subcommand per verb.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { registerEval } from './commands/eval.ts';
import { ingestFiles } from './commands/ingest.ts';
import { serveCommand } from './commands/serve.ts';
import { loadModel, openStore } from './runtime.ts';

const program = new Command()
  .name('paperseek')
  .description('Semantic search over research-paper abstracts')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the HTTP API (ingests the bundled sample first when the index is empty)')
  .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)', parsePort)
  .action(async (options: { port?: number }) => {
    const config = loadConfig(process.env);
    await serveCommand({ ...config, port: options.port ?? config.port });
  });

program
  .command('ingest')
  .description('add or update papers from HF Daily Papers page dumps (.txt), JSON Lines (.jsonl) or JSON arrays (.json)')
  .argument('<files...>', 'input files')
  .option('--captured-year <year>', 'year a .txt page was captured; dates without a year get it (default: this year)', parseYear)
  .action(async (files: string[], options: { capturedYear?: number }) => {
    const config = loadConfig(process.env);
    const model = await loadModel(config);
    if (model.error) console.error(`warning: ${model.error.message}`);
    const store = openStore(config);
    try {
      await ingestFiles(files, { capturedYear: options.capturedYear }, store, model.embedder);
    } finally {
      store.close();
      await model.embedder?.dispose();
    }
  });

registerEval(program);

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be an integer 0-65535');
  return port;
}

function parseYear(value: string): number {
  const year = Number(value);
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new InvalidArgumentError('must be a year such as 2025');
  return year;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  // Expected failures (bad config, missing model, bad file) print their message, not a stack.
  console.error(isAppError(error) ? `error: ${error.message}` : error);
  process.exitCode = 1;
});
