// `npm run build`: compiles src/ to dist/ — JavaScript that plain `node` runs, no TypeScript
// loader (tsx) at run time. Plain JavaScript itself, so it runs before anything is compiled.
//
//   node scripts/build.mjs               build dist/
//   node scripts/build.mjs --if-stale    only when dist/ is missing or older than a file in src/
//   node scripts/build.mjs --out <dir>   build into <dir> instead (tests)
//
// Each src/**/*.ts becomes the .js file beside it in dist/ (esbuild, file by file, imports kept
// as they are but for `./x.ts` → `./x.js`); esbuild only strips types: `npm run typecheck` checks
// them. The worker-thread boot files (src/**/*.js) register tsx and import a .ts file; their dist/
// copies import the compiled .js instead. The web UI is compiled by the server at start-up from
// its TypeScript sources (src/ui/build.ts), so those sources (and what they import) are copied.
// The new tree is built beside the old and swapped in, so a process starting meanwhile never
// reads a half-written dist/.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
/** Written last: its time is the build's. */
const STAMP = '.built';

/** Every file under `dir` (relative paths). */
function filesUnder(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
  });
}

/** Whether `out` is missing or older than src/, package.json or this script. */
export function isStale(out = DIST) {
  let built;
  try {
    built = statSync(path.join(out, STAMP)).mtimeMs;
  } catch {
    return true;
  }
  const inputs = [...filesUnder(SRC).map((file) => path.join(SRC, file)), path.join(ROOT, 'package.json'), fileURLToPath(import.meta.url)];
  return inputs.some((file) => statSync(file).mtimeMs > built);
}

/** Relative imports of .ts files, rewritten to the .js files they compile to; packages stay imports. */
const keepImports = {
  name: 'keep-imports',
  setup(esbuild) {
    esbuild.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relative = args.path.startsWith('./') || args.path.startsWith('../');
      return { path: relative ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

export async function buildDist(out = DIST) {
  const files = filesUnder(SRC);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    await build({
      entryPoints: sources.map((file) => path.join(SRC, file)),
      outbase: SRC,
      outdir: tmp,
      bundle: true,
      plugins: [keepImports],
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    // Boot files of worker threads: the same file without tsx, importing the compiled module.
    const compiled = new Set(sources.map((file) => file.replace(/\.ts$/, '.js')));
    for (const file of files.filter((f) => f.endsWith('.js') && f !== path.join('cli', 'bin.js'))) {
      if (compiled.has(file)) continue;
      const text = readFileSync(path.join(SRC, file), 'utf8')
        .replace(/^import \{ register \} from 'tsx\/esm\/api';\n/m, '')
        .replace(/^register\(\);\n/m, '')
        .replace(/(import\(['"]\.{1,2}\/[^'"]+)\.ts(['"]\))/g, '$1.js$2');
      writeFileSync(path.join(tmp, file), text);
    }
    // The web UI's sources, which the server bundles for the browser at start-up.
    const ui = await build({
      entryPoints: [path.join(SRC, 'ui', 'main.ts'), path.join(SRC, 'ui', 'styles.css')],
      bundle: true,
      write: false,
      outdir: path.join(tmp, 'ui-check'),
      metafile: true,
      logLevel: 'warning',
    });
    const uiInputs = new Set([...Object.keys(ui.metafile.inputs).map((input) => path.relative(SRC, path.resolve(ROOT, input))), path.join('ui', 'index.html')]);
    for (const file of uiInputs) {
      if (file.startsWith('..')) continue;
      mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      cpSync(path.join(SRC, file), path.join(tmp, file));
    }
    // Nothing in dist/ may need tsx.
    for (const file of filesUnder(tmp).filter((f) => f.endsWith('.js'))) {
      if (/from ['"]tsx|['"]tsx\/esm\/api['"]/.test(readFileSync(path.join(tmp, file), 'utf8'))) throw new Error(`build: ${file} still imports tsx`);
    }
    writeFileSync(path.join(tmp, STAMP), `${new Date().toISOString()}\n`);
    // Swap the new tree in. Another process building at the same time may have put its own in
    // first: theirs is as good (the same sources).
    const old = `${out}.old-${process.pid}`;
    try {
      if (existsSync(out)) renameSync(out, old);
      renameSync(tmp, out);
    } catch (error) {
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(error.code) || !existsSync(path.join(out, STAMP))) throw error;
      rmSync(tmp, { recursive: true, force: true });
    }
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Builds `out` when it is missing or stale; quick (a stat per source file) when it is current. */
export async function ensureBuilt(out = DIST) {
  if (!isStale(out)) return false;
  await buildDist(out);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? path.resolve(args[outAt + 1] ?? '') : DIST;
  const started = performance.now();
  const built = args.includes('--if-stale') ? await ensureBuilt(out) : (await buildDist(out), true);
  if (built) console.error(`built ${path.relative(process.cwd(), out) || out} in ${Math.round(performance.now() - started)} ms`);
}
