// `npm run crash-check`'s command line: help and usage errors are answers, not stack traces.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ArgsExit } from '../../scripts/bench/lib/args.ts';
import { parseCrashCheckArgs } from '../../scripts/crash-check.ts';

const parse = (...argv: string[]) => {
  try {
    return { options: parseCrashCheckArgs(argv) };
  } catch (error) {
    if (!(error instanceof ArgsExit)) throw error;
    return { exitCode: error.exitCode, text: error.text };
  }
};

describe('crash-check arguments', () => {
  it('reads its options, with the documented defaults', () => {
    expect(parse().options).toEqual({ runs: 20, variants: 12, corrupt: false });
    expect(parse('--runs', '5', '--corrupt').options).toEqual({ runs: 5, variants: 12, corrupt: true });
  });

  it('rejects a bad value or an unknown option with a usage error', () => {
    const bad = parse('--runs', 'many');
    expect(bad.exitCode).toBe(2);
    expect(bad.text).toContain('error: --runs must be an integer 1–10000, got "many"');
    expect(bad.text).toContain('Usage: crash-check');
    expect(parse('--nope').text).toContain("Unknown option '--nope'");
    expect(parse('--runs').text).toContain("Option '--runs <value>' argument missing");
  });

  // Regression (issue 14): `npm run crash-check -- --help` printed a TypeError's stack trace.
  it('answers --help with its usage and exit code 0, and misuse with exit code 2, without a stack trace', async () => {
    const script = path.resolve('scripts/crash-check.ts');
    const run = (arg: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, arg]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    const [help, misuse] = await Promise.all([run('--help'), run('--bogus')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: crash-check [--runs <n>] [--variants <n>] [--corrupt]');
    expect(help.stdout).toContain('--corrupt');
    expect(help.stderr).toBe('');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain("error: Unknown option '--bogus'");
    expect(misuse.stderr).not.toMatch(/\n\s+at /);
  });
});
