// `npm run build` (scripts/build.mjs) compiles src/ to dist/, which plain node runs: no tsx and no
// .ts file is imported (test/cli/no-tsx.mjs makes either fail) by the CLI, by `serve --workers 2`
// (the primary ingesting the sample on its reading thread, the cluster workers) or by the sync
// scheduler's children.
import { type ChildProcess, execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startServer } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

const run = promisify(execFile);
const NO_TSX = ['--import', path.resolve('test/cli/no-tsx.mjs')];
const MAIN = path.resolve('dist/cli/main.js');

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs'], { timeout: 60_000 });
});

describe('the compiled build', () => {
  it('runs the CLI with plain node', async () => {
    const { stdout } = await run(process.execPath, [...NO_TSX, MAIN, '--help']);
    expect(stdout).toMatch(/Usage: paperseek/);
    for (const command of ['serve', 'ingest', 'search', 'sync']) expect(stdout).toContain(command);
  });

  it('imports only packages that are dependencies (not devDependencies)', () => {
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const files = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    const imported = new Set<string>();
    for (const file of files) {
      const text = readFileSync(path.join('dist', file), 'utf8');
      // Static imports and re-exports (their clause may span lines), bare imports, dynamic imports.
      for (const match of text.matchAll(
        /^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
      )) {
        const specifier = (match[1] ?? match[2] ?? match[3])!;
        if (specifier.startsWith('.')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!specifier.startsWith('node:') && !builtinModules.includes(name)) imported.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in dependencies))).toEqual([]);
  });

  it('has the sync scheduler run the compiled CLI, without tsx', async () => {
    const script = `const { syncCommand } = await import(${JSON.stringify(path.resolve('dist/sync/schedule.js'))}); console.log(JSON.stringify(syncCommand({ source: 'hf-daily', args: ['hf-daily'] })));`;
    const { stdout } = await run(process.execPath, [...NO_TSX, '--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([process.execPath, [MAIN, 'sync', 'hf-daily']]);
  });

  describe('serve --workers 2', () => {
    const dir = tempDir();
    let child: ChildProcess | undefined;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child!.once('exit', resolve));
      }
      dir.remove();
    });

    it('ingests the sample into an empty index and answers /health and the web UI', async () => {
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        PAPERSEEK_WORKERS: '2',
        PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
        PAPERSEEK_MODEL_DIR: inject('modelsDir'),
        PAPERSEEK_MODEL: 'lexical',
      };
      const server = await startServer(env, { command: { file: process.execPath, args: [...NO_TSX, MAIN] } });
      child = server.child;
      const { base } = server;
      const get = (pathname: string) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          http
            .get(`${base}${pathname}`, (response) => {
              let text = '';
              response.on('data', (chunk) => (text += chunk));
              response.on('end', () => resolve({ status: response.statusCode!, text }));
            })
            .on('error', reject);
        });
      const health = await get('/health');
      expect({ status: health.status, body: JSON.parse(health.text) }).toMatchObject({ status: 200, body: { papers: 68, capabilities: { semantic: true } } });
      // The UI is bundled for the browser from the sources the build copied.
      const ui = await get('/ui/app.js');
      expect(ui.status).toBe(200);
      expect(ui.text.length).toBeGreaterThan(1000);
      expect(server.log()).not.toMatch(/tsx imported|TypeScript imported/);
    });
  });
});
