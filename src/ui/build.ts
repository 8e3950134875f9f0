// Runs in Node, not the browser: compiles the UI (src/ui/main.ts and styles.css) in memory with
// esbuild, so `npm start` needs no separate build step and no build output is ever written.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface UiAssets {
  html: string;
  js: string;
  css: string;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export async function buildUi(): Promise<UiAssets> {
  const result = await build({
    entryPoints: { app: here('./main.ts'), styles: here('./styles.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    outdir: 'ui',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const output = (name: string) => {
    const file = result.outputFiles.find((out) => out.path.endsWith(name));
    if (!file) throw new Error(`UI build produced no ${name}`);
    return file.text;
  };
  return { html: await readFile(here('./index.html'), 'utf8'), js: output('app.js'), css: output('styles.css') };
}
