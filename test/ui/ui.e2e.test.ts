// The web UI in headless Chromium against the real server (`paperseek serve` on the sample,
// lexical test model): search as you type, similar papers, filters and modes, shareable URLs,
// paging, keyboard navigation, empty and error states, and no request leaving the server.
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { launchBrowser, screenshotPath, type Browser } from './browser.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// The page's globals, as the callbacks below that run in the browser use them: this file is
// type-checked with Node's types, without the DOM library (src/ui/tsconfig.json has it).
declare const window: unknown;
declare const document: { activeElement: unknown; documentElement: { scrollWidth: number; clientWidth: number } };

const dir = tempDir();
let server: ChildProcess;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const started = await startServer({
    PAPERSEEK_DATA_DIR: path.join(dir.path, 'index'),
    PAPERSEEK_MODEL_DIR: inject('modelsDir'),
    PAPERSEEK_MODEL: 'lexical',
  });
  server = started.child;
  base = started.base;
  browser = await launchBrowser(base);
});

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  dir.remove();
});

async function openPage(search = ''): Promise<Page> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(`${base}/${search}`);
  return page;
}

// playwright-core has no auto-retrying assertions; vitest's expect.poll retries instead.
const POLL = { timeout: 15_000, interval: 50 };
const textOf = (locator: Locator) => expect.poll(() => locator.innerText(), POLL);
const countOf = (locator: Locator) => expect.poll(() => locator.count(), POLL);
const inputValueOf = (locator: Locator) => expect.poll(() => locator.inputValue(), POLL);
const focused = (locator: Locator) => expect.poll(() => locator.evaluate((node) => node === document.activeElement), POLL).toBe(true);
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: POLL.timeout });

const resultTitles = (page: Page) => page.locator('#results article h3').allInnerTexts();
const status = (page: Page) => page.getByRole('status');
const params = (page: Page) => new URL(page.url()).searchParams;

describe('web UI', () => {
  it('searches as you type, shows highlighted results with a score breakdown, and puts the query in the URL', async () => {
    const page = await openPage();
    await visible(page.getByRole('heading', { name: 'paperseek' }));
    await page.getByRole('searchbox', { name: 'Search papers' }).pressSequentially('disentanglement diffusion', { delay: 20 });
    // No Enter: the debounced search runs by itself.
    await textOf(status(page)).toMatch(/Showing 10 of \d+ results for “disentanglement diffusion”/);
    expect(params(page).get('q')).toBe('disentanglement diffusion');

    const first = page.locator('#results article').first();
    await textOf(first.locator('h3 mark').first()).toMatch(/disentangle|diffusion/i);
    await visible(first.locator('.snippet mark').first());
    const breakdown = first.getByRole('definition').first();
    await visible(breakdown);
    await textOf(first.locator('dl.scores')).toContain('Fused');
    await textOf(first.locator('dl.scores')).toContain('Semantic');
    await textOf(first.locator('dl.scores')).toContain('Keyword');
    const titles = await resultTitles(page);
    expect(titles).toHaveLength(10);
    expect(titles[0]!.toLowerCase()).toMatch(/disentangl|diffusion/);

    await page.screenshot({ path: screenshotPath('ui-search.png'), fullPage: false });

    await page.getByRole('button', { name: 'More results' }).click();
    await countOf(page.locator('#results article')).toBe(20);
    expect(new Set(await resultTitles(page)).size).toBe(20);
    expect((page as Page & { problems: string[] }).problems).toEqual([]);
    await page.close();
  });

  it('opens "similar" for a paper, and the back button returns to the results', async () => {
    const page = await openPage('?q=disentanglement+diffusion');
    await countOf(page.locator('#results article')).toBe(10);
    const first = page.locator('#results article').first();
    const id = await first.getAttribute('data-id');
    const title = (await first.locator('h3').innerText()).trim();
    await first.getByRole('button', { name: 'Similar papers' }).click();

    await visible(page.getByRole('heading', { name: `Papers similar to “${title}”` }));
    await textOf(status(page)).toMatch(/Showing 10 of \d+ similar papers/);
    expect(params(page).get('similar')).toBe(id);
    const ids = await page.locator('#results article').evaluateAll((items) => items.map((item) => item.getAttribute('data-id')));
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain(id);
    await page.screenshot({ path: screenshotPath('ui-similar.png') });

    await page.goBack();
    await textOf(status(page)).toContain('results for “disentanglement diffusion”');
    await expect.poll(() => page.locator('#results article').first().getAttribute('data-id'), POLL).toBe(id!);
    expect(params(page).get('similar')).toBeNull();
    await page.close();
  });

  it('applies a filter and a mode, and reloading the shared URL shows the same page', async () => {
    const page = await openPage('?q=disentanglement');
    await countOf(page.locator('#results article')).toBe(10);
    await page.getByLabel('Code', { exact: true }).selectOption('true');
    await page.getByRole('radio', { name: 'Keyword' }).check();
    await textOf(status(page)).toContain('· keyword');
    expect(params(page).get('has_code')).toBe('true');
    expect(params(page).get('mode')).toBe('keyword');

    const articles = page.locator('#results article');
    const count = await articles.count();
    expect(count).toBeGreaterThan(0);
    // Every result passes the filter: it links its code.
    for (let i = 0; i < count; i++) await visible(articles.nth(i).getByRole('link', { name: 'Code' }));
    for (let i = 0; i < count; i++) expect(await articles.nth(i).locator('dl.scores').innerText()).not.toContain('Semantic');
    const before = await resultTitles(page);
    const url = page.url();

    const shared = await browser.context.newPage();
    await shared.goto(url);
    await inputValueOf(shared.getByRole('searchbox', { name: 'Search papers' })).toBe('disentanglement');
    expect(await shared.getByRole('radio', { name: 'Keyword' }).isChecked()).toBe(true);
    await inputValueOf(shared.getByLabel('Code', { exact: true })).toBe('true');
    await countOf(shared.locator('#results article')).toBe(count);
    expect(await resultTitles(shared)).toEqual(before);

    await shared.reload();
    await countOf(shared.locator('#results article')).toBe(count);
    expect(await resultTitles(shared)).toEqual(before);
    await shared.close();
    await page.close();
  });

  it('narrows results by date and upvotes', async () => {
    const page = await openPage('?q=learning&mode=keyword&published_from=2024-01-01&min_upvotes=5');
    await inputValueOf(page.getByLabel('From')).toBe('2024-01-01');
    await inputValueOf(page.getByLabel('Min upvotes')).toBe('5');
    await textOf(status(page)).toMatch(/Showing|No results/);
    const dates = await page.locator('#results article time').evaluateAll((items) => items.map((item) => item.getAttribute('datetime')));
    for (const date of dates) expect(date! >= '2024-01-01').toBe(true);
    const upvotes = await page.locator('#results article .meta').allInnerTexts();
    for (const line of upvotes) expect(Number(/(\d+) upvotes?/.exec(line)?.[1] ?? -1)).toBeGreaterThanOrEqual(5);
    await page.close();
  });

  it('moves through results with the keyboard and opens similar papers with "s"', async () => {
    const page = await openPage('?q=disentanglement+diffusion');
    await countOf(page.locator('#results article')).toBe(10);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await focused(page.getByRole('searchbox', { name: 'Search papers' }));
    await page.keyboard.press('ArrowDown');
    await focused(page.locator('#results article').nth(0));
    await page.keyboard.press('ArrowDown');
    await focused(page.locator('#results article').nth(1));
    const second = await page.locator('#results article').nth(1).getAttribute('data-id');
    await page.keyboard.press('s');
    await visible(page.getByRole('heading', { name: /^Papers similar to/ }));
    expect(params(page).get('similar')).toBe(second);
    await page.keyboard.press('Escape');
    await focused(page.getByRole('searchbox', { name: 'Search papers' }));
    await page.close();
  });

  it('says so when nothing matches, and shows the server error when a search fails', async () => {
    const page = await openPage('?q=zyxwvutsrq&mode=keyword');
    await textOf(status(page)).toContain('No results for “zyxwvutsrq”');
    await countOf(page.locator('#results article')).toBe(0);

    await page.route('**/search?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'MODEL_UNAVAILABLE', message: 'Model "x" is not loaded.' } }),
      }),
    );
    await page.getByRole('searchbox', { name: 'Search papers' }).fill('diffusion');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await textOf(page.getByRole('alert')).toContain('Search failed: Model "x" is not loaded.');
    await page.unroute('**/search?*');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('alert').waitFor({ state: 'hidden', timeout: POLL.timeout });
    await countOf(page.locator('#results article')).toBe(10);
    await page.close();
  });

  // Regression (issue 14): without a model or vectors the page still offered "Similar papers" (every
  // click an error), and a degraded search did not say why.
  it('disables "Similar papers" with the reason when no paper has a vector, and shows why a search was degraded', async () => {
    const page = await browser.context.newPage();
    const reason = 'Embedding model "lexcial": no model folder /m/lexcial; found: lexical.';
    await page.route('**/health', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.capabilities = { ...body.capabilities, semantic: false, hybrid: false, similar: false };
      body.model = { ...body.model, ready: false, error: reason };
      await route.fulfill({ response, json: body });
    });
    await page.route('**/search?*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, degraded: true, degraded_reason: `the embedding model is unavailable: ${reason}` } });
    });
    await page.goto(`${base}/`);
    await textOf(page.locator('#health')).toContain('no vectors: similar papers unavailable');
    await page.getByRole('searchbox', { name: 'Search papers' }).fill('diffusion');
    await page.keyboard.press('Enter');
    await countOf(page.locator('#results article')).toBe(10);
    await textOf(page.locator('#notice')).toBe(`Keyword results only: the embedding model is unavailable: ${reason}`);
    const similar = page.locator('#results article').first().getByRole('button', { name: 'Similar papers' });
    expect(await similar.getAttribute('aria-disabled')).toBe('true');
    expect(await similar.getAttribute('title')).toContain('no paper has a vector');
    await similar.click({ force: true }); // playwright waits for aria-disabled elements to be enabled
    await textOf(page.locator('#notice')).toContain('Similar papers is unavailable: no paper has a vector');
    expect(params(page).get('similar')).toBeNull();
    await page.locator('#results article').first().focus();
    await page.keyboard.press('s');
    expect(params(page).get('similar')).toBeNull();
    await page.close();
  });

  it('inserts only <mark> from highlights, and renders servers that send no scores, highlights or total', async () => {
    const page = await openPage();
    const paper = (id: string, extra: object) => ({
      id,
      title: `Title <b>${id}</b>`,
      score: 0.8123,
      abstract: 'An abstract with <script>window.pwned = 1</script> in it. '.repeat(10),
      published: '2024-11-25',
      upvotes: 3,
      authors_count: 2,
      github_url: 'javascript:alert(1)',
      project_url: 'https://example.org/p',
      ...extra,
    });
    const hostile = paper('hostile', {
      highlights: { title: 'A <mark>match</mark> <img src=x onerror="window.pwned=1">', abstract: '<mark>ok</mark> <a href="https://evil.example">x</a>' },
    });
    const plain = paper('walking-skeleton', {}); // the pre-hybrid API: no scores, ranks, highlights, total or mode
    await page.route('**/search?*', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ query: 'x', results: [hostile, plain], took_ms: 1 }) }),
    );
    await page.getByRole('searchbox', { name: 'Search papers' }).fill('x');
    await page.keyboard.press('Enter');
    await countOf(page.locator('#results article')).toBe(2);
    const [first, second] = [page.locator('#results article').nth(0), page.locator('#results article').nth(1)];
    // Markup beyond <mark> falls back to text: no <img>, no <a>, nothing ran.
    expect(await first.locator('h3 img, .snippet a').count()).toBe(0);
    expect(await first.locator('h3').innerText()).toContain('A match');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // Without highlights, title and abstract are text, the snippet is cut, and the one score is shown.
    expect(await second.locator('h3').innerText()).toBe('Title <b>walking-skeleton</b>');
    expect(await second.locator('.snippet').innerText()).toMatch(/^An abstract with <script>.*…$/);
    expect(await second.locator('dl.scores').innerText()).toMatch(/Score\s+0\.812/);
    // Only http(s) links are rendered.
    expect(await second.getByRole('link', { name: 'Code' }).count()).toBe(0);
    expect(await second.getByRole('link', { name: 'Project page' }).getAttribute('href')).toBe('https://example.org/p');
    await textOf(status(page)).toMatch(/^Showing 2 results for “x”/);
    await page.close();
  });

  it('filters by a typed or clicked category, shows authors and categories, and asks for papers similar to an id with a slash', async () => {
    const page = await openPage();
    const requests: URL[] = [];
    const result = {
      id: 'hep-ph/0307015',
      title: 'Quark diffusion on the lattice',
      score: 0.5,
      abstract: 'Heavy quarks.',
      published: '2003-07-01',
      upvotes: null,
      authors: ['Ada One', 'Bo Two', 'Cy Three', 'Di Four'],
      authors_count: 12,
      categories: ['hep-ph', 'hep-lat'],
      url: 'https://arxiv.org/abs/hep-ph/0307015',
      doi: '10.1103/PhysRevD.68.094001',
      github_url: null,
      project_url: null,
    };
    await page.route(/\/(search\?|papers\/)/, (route) => {
      requests.push(new URL(route.request().url()));
      return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ query: 'quark', results: [result], total: 1, took_ms: 1 }) });
    });
    const category = page.getByLabel('Category');
    await category.fill('hep-*');
    await page.getByRole('searchbox', { name: 'Search papers' }).fill('quark');
    await page.keyboard.press('Enter');
    await countOf(page.locator('#results article')).toBe(1);
    expect(params(page).get('category')).toBe('hep-*');
    expect(requests.at(-1)!.searchParams.get('category')).toBe('hep-*');

    const article = page.locator('#results article').first();
    await textOf(article.locator('.meta')).toContain('Ada One, Bo Two, Cy Three + 9 more');
    expect(await article.getByRole('link', { name: 'Paper' }).getAttribute('href')).toBe(result.url);
    expect(await article.getByRole('link', { name: 'DOI' }).getAttribute('href')).toBe('https://doi.org/10.1103/PhysRevD.68.094001');
    expect(await article.getByRole('list', { name: 'Categories' }).innerText()).toMatch(/hep-ph\s+hep-lat/);
    await page.screenshot({ path: screenshotPath('ui-categories.png'), fullPage: false });

    // A category of a result narrows the search to it.
    await article.getByRole('button', { name: 'hep-lat' }).click();
    await expect.poll(() => params(page).get('category'), POLL).toBe('hep-lat');
    await inputValueOf(category).toBe('hep-lat');
    await expect.poll(() => requests.at(-1)!.searchParams.get('category'), POLL).toBe('hep-lat');

    // A value the API would reject is not sent: the field keeps it, marked invalid.
    await category.fill('cs.LG!');
    await category.press('Enter');
    await expect.poll(() => params(page).has('category'), POLL).toBe(false);
    expect(requests.at(-1)!.searchParams.has('category')).toBe(false);
    expect(await category.evaluate((input: { validity: { valid: boolean } }) => input.validity.valid)).toBe(false);

    await page.locator('#results article').first().getByRole('button', { name: 'Similar papers' }).click();
    await expect.poll(() => requests.some((url) => url.pathname.endsWith('/papers/hep-ph%2F0307015/similar')), POLL).toBe(true);
    expect(params(page).get('similar')).toBe('hep-ph/0307015');
    await page.close();
  });

  it('passes the axe-core WCAG 2.1 A/AA checks (labels, contrast, landmarks) on the start page, results and similar papers, light and dark', async () => {
    const page = await openPage();
    const audit = async () => {
      await page.addScriptTag({ path: AXE });
      return page.evaluate(async () => {
        type Rule = { id: string; nodes: { target: string[] }[] };
        const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return {
          violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          passed: result.passes.map((rule) => rule.id),
        };
      });
    };
    // The rules that matter here did run and pass (an empty violation list alone could mean nothing ran).
    const first = await audit();
    expect(first.passed).toEqual(expect.arrayContaining(['label', 'color-contrast', 'html-has-lang', 'document-title']));
    expect(first.violations).toEqual([]);
    await page.goto(`${base}/?q=disentanglement+diffusion`);
    await countOf(page.locator('#results article')).toBe(10);
    expect((await audit()).violations).toEqual([]);
    await page.locator('#results article').first().getByRole('button', { name: 'Similar papers' }).click();
    await visible(page.getByRole('heading', { name: /^Papers similar to/ }));
    await textOf(status(page)).toContain('similar papers');
    expect((await audit()).violations).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect((await audit()).violations).toEqual([]);
    await page.screenshot({ path: screenshotPath('ui-similar-dark.png') });
    await page.close();
  });

  it('serves the interactive API reference at /docs, rendered from the local spec', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/docs`);
    await visible(page.locator('.opblock-summary-path', { hasText: '/search' }).first());
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/search', '/papers/{id}', '/papers/{id}/similar', '/health']));
    await page.screenshot({ path: screenshotPath('docs.png') });
    await page.close();
  });

  it('fits a phone-sized screen', async () => {
    const page = await openPage('?q=disentanglement+diffusion');
    await page.setViewportSize({ width: 390, height: 844 });
    await countOf(page.locator('#results article')).toBe(10);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('ui-phone.png') });
    await page.close();
  });

  it('loads nothing from outside the server (works offline)', () => {
    expect(browser.external).toEqual([]);
  });
});
