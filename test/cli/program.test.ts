// The command tree in-process: every subcommand's --help, and usage errors → exit code 2.
// (Runs that touch an index are in commands.test.ts, as child processes.)
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/program.ts';
import { runCommand } from '../support/command.ts';

/** No index is touched: an empty environment is enough. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCommand(args, {});
  return { code, out: stdout, err: stderr };
}

describe('paperseek --help', () => {
  it('lists every subcommand, the configuration and the exit codes', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['serve', 'ingest', 'search', 'similar', 'stats']) expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(out).toContain('Exit codes: 0 success, 1 failure, 2 usage error.');
  });

  it.each([
    ['search', ['<query>', '--mode', '--k', '--offset', '--from', '--to', '--min-upvotes', '--has-code', '--no-has-code', '--json']],
    ['similar', ['<id>', '--k', '--offset', '--from', '--to', '--min-upvotes', '--has-code', '--json']],
    ['stats', ['--json']],
    ['serve', ['--port']],
    ['ingest', ['files...', '--captured-year']],
  ])('documents `%s` and its options', async (command, options) => {
    const { code, out } = await run(command, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: paperseek ${command} [options]`);
    for (const option of options) expect(out).toContain(option);
  });

  it('prints the version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('usage errors exit 2 with the reason', () => {
  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['search'], "missing required argument 'query'"],
    [['search', 'x', '--mode', 'fuzzy'], 'Allowed choices are hybrid, semantic, keyword'],
    [['search', 'x', '-k', '0'], 'must be an integer 1–100'],
    // The API's own reasons (test/contract.test.ts): the form, then a real day.
    [['search', 'x', '--from', '2025-2-3'], 'must be a date YYYY-MM-DD'],
    [['search', 'x', '--from', '2025-02-30'], 'is not a real calendar date'],
    [['search', 'x', '--from', '2025-01-01', '--to', '2024-01-01'], '--from must not be after --to'],
    [['search', '   '], 'the query must not be empty'],
    [['similar', 'some-id', '--min-upvotes', '-1'], 'must be an integer'],
    [['search', 'x', '--category', 'cs.LG!'], "argument 'cs.LG!' is invalid. must be 1–64 letters"],
    [['similar', 'hep-ph/0307015', '--category', '*'], 'must be 1–64 letters'],
    [['serve', '--port', 'http'], 'must be an integer 0–65535'],
    [['stats', '--bogus'], "unknown option '--bogus'"],
  ])('%j', async (args, reason) => {
    const { code, err } = await run(...args);
    expect(code).toBe(EXIT.usage);
    expect(err).toContain(reason);
  });
});
