// The CLI program run in this process (test/support/cli.ts runs it as a child process).
import type { CommandContext } from '../../src/cli/context.ts';
import { createProgram, EXIT, reportError } from '../../src/cli/program.ts';
import type { CliRun } from './cli.ts';

/**
 * Runs the CLI program in this process over a CommandContext of string buffers: much faster than
 * a child process, and no global (process.env, console, process.stdout) is touched.
 */
export async function runCommand(args: string[], env: Record<string, string | undefined>, stdin?: NodeJS.ReadableStream): Promise<CliRun & { code: number }> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
  };
  try {
    await createProgram(context).parseAsync(args, { from: 'user' });
    return { code: context.exitCode ?? EXIT.ok, stdout, stderr };
  } catch (thrown) {
    return { code: reportError(thrown, (text) => (stderr += text)), stdout, stderr };
  }
}
