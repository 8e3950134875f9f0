import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { findChromium, INSTALL_HINT } from './ui/chromium.ts';

// The browser suite (test/**/*.e2e.test.ts) drives a Chromium. PAPERSEEK_BROWSER_TESTS: `1` runs it
// whatever (`npm run test:browser`, CI: no Chromium is then a failure), `0` leaves it out; unset,
// it runs when a Chromium is found and is otherwise left out, saying so once.
const BROWSER_TESTS = 'test/**/*.e2e.test.ts';
const browser = process.env.PAPERSEEK_BROWSER_TESTS;
let skipBrowser = browser === '0';
if (browser !== '0' && browser !== '1') {
  const chromium = findChromium();
  skipBrowser = !chromium.path;
  if (skipBrowser) {
    console.warn(`Browser tests not run: no Chromium (looked at ${chromium.tried.join(', ')}). To run them, ${INSTALL_HINT}, then \`npm run test:browser\`.`);
  }
}

export default defineConfig({
  // The repository root, so paths below and in tests are relative to it wherever vitest starts.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(skipBrowser ? [BROWSER_TESTS] : [])],
    globalSetup: ['test/support/global-setup.ts'],
    // Model loading and onnxruntime sessions are slow to start on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
