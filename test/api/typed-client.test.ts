// The typed client for UI builders: openapi.json and src/api/openapi-types.ts are what
// `npm run openapi` generates from the app right now, and the openapi-fetch example (in
// examples/ and the README) type-checks against them, fails to when misused, and works.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchTitles } from '../../examples/typed-client.ts';
import { generateOpenApi, OPENAPI_JSON, OPENAPI_TYPES } from '../../scripts/openapi/index.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';

const EXAMPLE = 'examples/typed-client.ts';
const TYPES_IMPORT = "'../src/api/openapi-types.ts'";
const TSC = path.resolve('node_modules/.bin/tsc');
// The repository's compiler settings, given on the command line (a file list ignores tsconfig.json).
const TSC_OPTIONS = [
  '--noEmit',
  '--strict',
  '--noUncheckedIndexedAccess',
  '--target',
  'es2022',
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--lib',
  'es2023,dom',
  '--types',
  'node',
  '--skipLibCheck',
  '--allowImportingTsExtensions',
  '--pretty',
  'false',
];

/** tsc's verdict on some files: exit code and diagnostics (one line each, starting with the file). */
async function typeCheck(files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(TSC, [...TSC_OPTIONS, ...files]);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('generated OpenAPI files', () => {
  it('are what `npm run openapi` generates from the app now (run it after changing the API)', async () => {
    const { json, types } = await generateOpenApi();
    expect(readFileSync(OPENAPI_JSON, 'utf8') === json, `${OPENAPI_JSON} is stale: run npm run openapi`).toBe(true);
    expect(readFileSync(OPENAPI_TYPES, 'utf8') === types, `${OPENAPI_TYPES} is stale: run npm run openapi`).toBe(true);
    expect(JSON.parse(json).paths['/search'].get.operationId).toBe('searchPapers');
    expect(types).toContain('export interface paths');
  });
});

describe('the openapi-fetch example', () => {
  const example = readFileSync(EXAMPLE, 'utf8');

  it('is the one in the README, but for where the types are imported from', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- typed-client-example -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has the example after <!-- typed-client-example -->').toBeDefined();
    expect(example).toContain(TYPES_IMPORT);
    expect(block!.replace("'./openapi-types'", TYPES_IMPORT)).toBe(example);
    expect(example.trimEnd().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('type-checks against the generated types, and misuses of the API do not (the types are not vacuous)', async () => {
    // Misused copies beside the example, importing the same types; one tsc run checks all three.
    const dir = path.resolve('test-output/typed-client');
    mkdirSync(dir, { recursive: true });
    const copy = example.replace(TYPES_IMPORT, `'${path.relative(dir, OPENAPI_TYPES)}'`);
    const misuse = (name: string, from: string, to: string) => {
      expect(copy).toContain(from);
      const file = path.join(dir, name);
      writeFileSync(file, copy.replace(from, to));
      return path.relative('.', file);
    };
    const wrongPath = misuse('wrong-path.ts', "api.GET('/search'", "api.GET('/searches'");
    const wrongParameter = misuse('wrong-parameter.ts', 'k: 5', "k: 'five'");
    const wrongField = misuse('wrong-field.ts', 'paper.published ??', 'paper.publishedAt ??');
    const { output } = await typeCheck([EXAMPLE, wrongPath, wrongParameter, wrongField]);
    const errorsIn = (file: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith(file))
        .join('\n');
    expect(errorsIn(EXAMPLE)).toBe('');
    expect(errorsIn(wrongPath)).toContain('"/searches"');
    expect(errorsIn(wrongParameter)).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(errorsIn(wrongField)).toMatch(/'publishedAt' does not exist/);
  });
});

describe('the example against a live server', () => {
  let sample: SampleServer;
  beforeAll(async () => {
    sample = await startSampleServer();
  });
  afterAll(() => sample?.close());

  it('returns the titles and dates of the best five papers', async () => {
    const titles = await searchTitles(sample.base, 'disentanglement in diffusion');
    expect(titles).toHaveLength(5);
    for (const title of titles) expect(title).toMatch(/ \((\d{4}-\d{2}-\d{2}|undated)\)$/);
  });

  it('throws the API error on a bad request', async () => {
    await expect(searchTitles(sample.base, ' ')).rejects.toThrow('BAD_REQUEST: Invalid query parameter q: must contain a non-space character');
  });
});
