// What a command gets from the outside world: the environment its configuration is read from and
// the streams it prints to. main.ts passes the process's own; tests pass an env object and string
// buffers (test/support/cli.ts runCommand), so they never patch process.env or console.
// Commands print through it only: results on stdout, notes, progress and warnings on stderr.

/** The part of a writable stream a command uses: a terminal's width, whether it is one, write. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Characters per line, when a terminal. */
  readonly columns?: number;
}

export interface CommandContext {
  /** Where configuration comes from (PAPERSEEK_*, PORT, HOST…): process.env in main.ts. */
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** What `ingest -` reads (process.stdin by default). */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Set by a command that finishes without throwing but must exit non-zero (`check` on a corrupt
   * index, a worker refusing a job); main.ts makes it the process's exit code. Errors thrown by a
   * command become exit codes in program.ts reportError.
   */
  exitCode?: number;
}

/** The process's own environment and streams (main.ts). */
export function processContext(): CommandContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Writes `text` and a newline. */
export const println = (stream: OutputStream, text: string): void => void stream.write(`${text}\n`);

/** The width tables are cut to: the terminal's, or none when the output is piped. */
export const lineWidth = (stream: OutputStream): number => (stream.isTTY && stream.columns ? stream.columns : Number.POSITIVE_INFINITY);
