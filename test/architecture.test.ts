// The import direction README's "Architecture" section documents, checked on every source file:
// a layer imports only from itself and the layers below it, and nothing outside src/cli imports
// the CLI (scripts run it as a program instead).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Lowest first. Root modules: errors.ts, contract.ts (modes, limits, the date rule; bundled by the
 * browser UI) and defaults.ts (tuning defaults) are for everyone; config.ts reads the environment,
 * for the wiring.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'contract.ts', 'defaults.ts', 'sources', 'embed'],
  ['store'],
  ['search', 'ingest', 'sync', 'queue', 'eval'],
  ['api', 'mcp', 'log', 'ui'],
  ['app', 'config.ts'],
  ['cli'],
];

const layerOf = (top: string) => LAYERS.findIndex((layer) => layer.includes(top));

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.(ts|js|mjs)$/.test(entry.name)) yield full;
  }
}

/** Relative module specifiers a file imports (static, dynamic and type-only). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);
}

const SRC = path.resolve('src');

describe('architecture', () => {
  it('every module imports only from its own layer or the layers below', () => {
    const violations: string[] = [];
    for (const file of files(SRC)) {
      const from = path.relative(SRC, file).split(path.sep)[0]!;
      const fromLayer = layerOf(from);
      expect(fromLayer, `${from} is in no layer (add it to LAYERS and README's Architecture)`).toBeGreaterThanOrEqual(0);
      for (const specifier of imports(file)) {
        const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
        if (target.startsWith('..')) continue; // outside src (package.json)
        const to = target.split(path.sep)[0]!;
        if (to === from) continue;
        const toLayer = layerOf(to);
        if (toLayer < 0 || toLayer > fromLayer) violations.push(`${path.relative(SRC, file)} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('what the browser UI bundles imports no package and nothing of Node', () => {
    // From the UI's entry, through every relative import: only files of src/ without imports of their own beyond each other.
    const seen = new Set<string>();
    const outside: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)) {
        if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!));
        else outside.push(`${path.relative(SRC, file)} → ${specifier}`);
      }
    };
    visit(path.join(SRC, 'ui', 'main.ts'));
    expect(outside).toEqual([]);
    // The shared constants are among them: contract.ts, with the modes, limits and date rule.
    expect([...seen].map((file) => path.relative(SRC, file))).toContain('contract.ts');
  });

  it('nothing outside src/cli imports the CLI', () => {
    const offenders: string[] = [];
    for (const root of ['src', 'scripts', 'test']) {
      for (const file of files(path.resolve(root))) {
        if (file.startsWith(path.join(SRC, 'cli') + path.sep) || root === 'test') continue;
        for (const specifier of imports(file)) {
          if (path.resolve(path.dirname(file), specifier).startsWith(path.join(SRC, 'cli') + path.sep))
            offenders.push(`${path.relative('.', file)} → ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only src/store knows the file names of the store', () => {
    // The database file, its name constant, and the HNSW generation files (papers.N.hnsw).
    const names = /papers\.db|\bDB_FILE\b|\bINDEX_FILE\b|\.hnsw['"`]/;
    const offenders: string[] = [];
    for (const file of files(SRC)) {
      if (file.startsWith(path.join(SRC, 'store') + path.sep)) continue;
      // Comments may name the files for the reader; code may not.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [i, line] of code.split('\n').entries()) if (names.test(line)) offenders.push(`${path.relative('.', file)}:${i + 1}: ${line.trim()}`);
    }
    expect(offenders).toEqual([]);
  });
});
