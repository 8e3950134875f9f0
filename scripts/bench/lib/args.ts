// The one argument parser of the benchmarks and scripts (`npm run bench`, `npm run load`,
// `npm run replicas`, `npm run crash-check`, the experiments): node:util parseArgs, strict, with
// --help. An unknown option or a missing value prints the reason and the usage and exits 2, like
// the CLI's usage errors; --help prints the usage and exits 0.
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** `--name value` options (strings, as typed) and `--flag` booleans, declared up front. */
export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

type Value<O> = O extends { type: 'boolean' } ? boolean : O extends { multiple: true } ? string[] : string;

export interface ParsedOptions<T extends OptionsSpec> {
  /** An option with a default always has a value. */
  values: { [K in keyof T]: T[K] extends { default: unknown } ? Value<T[K]> : Value<T[K]> | undefined };
  positionals: string[];
}

/** Help or a usage error, as a value: the text to print (stdout for help, stderr otherwise) and the exit code. */
export class ArgsExit extends Error {
  constructor(
    readonly exitCode: 0 | 2,
    readonly text: string,
  ) {
    super(text);
  }
}

/**
 * Parses `argv` (without node and the script) against `options`; throws ArgsExit for --help
 * (`usage`, exit 0) and for a usage error (the reason and `usage`, exit 2). `positionals`: how
 * many bare arguments are allowed (default none). Scripts call parseOptions; tests call this.
 */
export function readOptions<const T extends OptionsSpec>(
  argv: readonly string[],
  options: T,
  usage: string,
  { positionals = 0 }: { positionals?: number } = {},
): ParsedOptions<T> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: positionals > 0 });
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
  if (parsed.values.help) throw new ArgsExit(0, usage);
  if (parsed.positionals.length > positionals) throw usageError(`unexpected argument ${parsed.positionals[positionals]}`, usage);
  return parsed as ParsedOptions<T>;
}

/** A usage error: the reason, then the usage; exit code 2. */
export const usageError = (message: string, usage: string): ArgsExit => new ArgsExit(2, `error: ${message}\n${usage}`);

/** readOptions for a script's main: prints the help (exit 0) or the usage error (exit 2) and exits. */
export function parseOptions<const T extends OptionsSpec>(
  argv: readonly string[],
  options: T,
  usage: string,
  settings: { positionals?: number } = {},
): ParsedOptions<T> {
  try {
    return readOptions(argv, options, usage, settings);
  } catch (error) {
    exitWith(error);
  }
}

/** Ends the process for an ArgsExit (printing its text); rethrows anything else. */
export function exitWith(error: unknown): never {
  if (!(error instanceof ArgsExit)) throw error;
  if (error.exitCode === 0) console.log(error.text);
  else console.error(error.text);
  process.exit(error.exitCode);
}

/** A whole number from an option, or `fallback` when absent; exits 2 on anything else. */
export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim())) exitWith(new ArgsExit(2, `error: --${name} must be a whole number, got "${value}"`));
  return number;
}
