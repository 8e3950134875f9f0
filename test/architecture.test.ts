// The import direction README's "Architecture" section documents, checked on every source file:
// a layer imports only from itself and the layers below it, and nothing outside src/cli imports
// the CLI (scripts run it as a program instead).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lowest first. Root modules: errors.ts is for everyone; config.ts reads the environment, for the wiring. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'sources', 'embed'],
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
});
