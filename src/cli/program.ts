// The paperseek command tree: one program, each subcommand registered by its own file in
// commands/. Exit codes: 0 success, 1 failure (bad input file, missing model or paper, …),
// 2 usage error (unknown command or option, bad argument).
import { createRequire } from 'node:module';
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { isAppError } from '../errors.ts';
import { storageFailure } from '../store/database.ts';
import { registerBackup } from './commands/backup.ts';
import { registerCheck } from './commands/check.ts';
import { registerCompact } from './commands/compact.ts';
import { registerEval } from './commands/eval.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerMcp } from './commands/mcp.ts';
import { registerSearch } from './commands/search.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimilar } from './commands/similar.ts';
import { registerStats } from './commands/stats.ts';
import { registerSync } from './commands/sync.ts';
import { registerWorker } from './commands/worker.ts';
import { UsageError } from './options.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** `output` redirects commander's own help and error text (tests capture it). */
export function createProgram(output: OutputConfiguration = {}): Command {
  const program = new Command()
    .name('paperseek')
    .description('Semantic search over research-paper abstracts')
    .version(version)
    // Set before the subcommands are added: they inherit both.
    .configureOutput(output)
    .exitOverride() // throw instead of exiting, so usage errors get their own exit code
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment (PAPERSEEK_DATA_DIR, PAPERSEEK_MODEL, …; see README).\nExit codes: 0 success, 1 failure, 2 usage error.',
    );
  registerServe(program);
  registerIngest(program);
  registerSync(program);
  registerSearch(program);
  registerSimilar(program);
  registerMcp(program);
  registerStats(program);
  registerEval(program);
  registerCompact(program);
  registerCheck(program);
  registerBackup(program);
  registerWorker(program);
  return program;
}

/** The exit code for an error out of `parseAsync`, after telling the user what went wrong. */
export function reportError(error: unknown, writeErr: (text: string) => void = (text) => process.stderr.write(text)): number {
  // commander has printed its message (or the help or version) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) {
    writeErr(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  // A raw SQLite storage error (disk full, I/O error) becomes one line naming the file and free space.
  error = storageFailure(error) ?? error;
  // Expected failures (bad config, missing model or paper, bad file) print their message, not a stack.
  writeErr(isAppError(error) ? `error: ${error.message}\n` : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
