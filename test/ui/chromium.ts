// Where the browser tests find a Chromium: PAPERSEEK_CHROMIUM when set, else Debian's
// (/usr/bin/chromium), else the one playwright keeps in its browser cache. Used by the vitest
// config (no Chromium: the browser suite is left out of `npm test`, saying so once) and by
// ./browser.ts.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const INSTALL_HINT =
  "install one with `apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright-core install chromium` (into playwright's cache), or set PAPERSEEK_CHROMIUM to a Chromium or Chrome binary";

/** The Chromium to use and every place looked at (in order). */
export function findChromium(environment: NodeJS.ProcessEnv = process.env): { path: string | undefined; tried: string[] } {
  const set = environment.PAPERSEEK_CHROMIUM;
  const tried = set ? [set] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', playwrightChromium()].filter((p): p is string => Boolean(p));
  return { path: tried.find((candidate) => existsSync(candidate)), tried };
}

/** The Chromium of this playwright-core version in playwright's cache (PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright), installed or not. */
function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
