// Launches a Chromium (./chromium.ts: PAPERSEEK_CHROMIUM, Debian's, or playwright's cache) through
// playwright-core with a fresh profile, and records every request that leaves the server under test: the UI must work offline.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from '../support/fixtures.ts';
import { findChromium, INSTALL_HINT } from './chromium.ts';

const found = findChromium();
export const OUTPUT_DIR = path.resolve('test-output');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm only 64 MB, which crashes Chromium's renderers.
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  /** Requests to anything but `base` (blocked, and listed here so a test can assert there were none). */
  external: string[];
  close(): Promise<void>;
}

export async function launchBrowser(base: string): Promise<Browser> {
  if (!found.path) throw new Error(`No Chromium (looked at ${found.tried.join(', ')}): ${INSTALL_HINT}.`);
  const profile = tempDir('paperseek-chromium-');
  // launchPersistentContext is how playwright takes a --user-data-dir; a fresh one per launch.
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: found.path,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
  });
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    external,
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, name);
}
