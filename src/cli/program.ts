// The paperseek command tree: one program, each subcommand registered by its own file in
// commands/. Exit codes: 0 success, 1 failure (bad input file, missing model or paper, …),
// 2 usage error (unknown command or option, bad argument).
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
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
import { type CommandContext, type OutputStream, processContext } from './context.ts';
import { UsageError } from './options.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Help width of commander's own text: the terminal's, 80 otherwise (commander's default). */
const helpWidth = (stream: OutputStream) => (stream.isTTY && stream.columns ? stream.columns : 80);

/**
 * The command tree over `context`: every command reads its configuration from `context.env` and
 * prints to `context.stdout`/`stderr`, commander's help and usage errors included.
 */
export function createProgram(context: CommandContext = processContext()): Command {
  const program = new Command()
    .name('paperseek')
    .description('Semantic search over research-paper abstracts')
    .version(version)
    // Set before the subcommands are added: they inherit both.
    .configureOutput({
      writeOut: (text) => void context.stdout.write(text),
      writeErr: (text) => void context.stderr.write(text),
      getOutHelpWidth: () => helpWidth(context.stdout),
      getErrHelpWidth: () => helpWidth(context.stderr),
    })
    .exitOverride() // throw instead of exiting, so usage errors get their own exit code
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment (PAPERSEEK_DATA_DIR, PAPERSEEK_MODEL, …; see README).\nExit codes: 0 success, 1 failure, 2 usage error.',
    );
  registerServe(program, context);
  registerIngest(program, context);
  registerSync(program, context);
  registerSearch(program, context);
  registerSimilar(program, context);
  registerMcp(program, context);
  registerStats(program, context);
  registerEval(program, context);
  registerCompact(program, context);
  registerCheck(program, context);
  registerBackup(program, context);
  registerWorker(program, context);
  return program;
}

/** The exit code for an error out of `parseAsync`, after telling the user what went wrong. */
export function reportError(error: unknown, writeErr: (text: string) => void = (text) => void process.stderr.write(text)): number {
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
