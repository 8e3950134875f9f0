// Hugging Face Daily Papers page dumps: the real sample, plus synthetic pages that probe
// how entries are told apart from page chrome.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parseHfPage } from '../../src/sources/hf-page.ts';
import { titleSlug } from '../../src/sources/slug.ts';
import { sharedFile } from '../support/shared.ts';

const SAMPLE = 'data/sample/000_15e46c23e16ff53f.txt';
const QUERIES = sharedFile('eval/queries.public.jsonl');
const SLUG_RULE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const sample = parseHfPage(readFileSync(SAMPLE, 'utf8'), SAMPLE, { capturedYear: 2025 });
const records = sample.records.map((r) => r.record);
const byId = new Map(records.map((r) => [r.id, r]));

function paper(id: string) {
  const record = byId.get(id);
  if (record === undefined) throw new Error(`no paper ${id}`);
  return record;
}

describe('parseHfPage on the sample page', () => {
  it('reads exactly 68 papers with unique, slug-shaped ids and no problems', () => {
    expect(records).toHaveLength(68);
    expect(new Set(records.map((r) => r.id)).size).toBe(68);
    for (const r of records) {
      expect(r.id).toMatch(SLUG_RULE);
      expect(r.id.length).toBeLessThanOrEqual(80);
      expect(r.id).toBe(titleSlug(r.title));
    }
    expect(sample.problems).toEqual([]);
  });

  it('gives every paper a real abstract', () => {
    for (const r of records) {
      expect(r.abstract.trim()).toBe(r.abstract);
      expect(r.abstract.length).toBeGreaterThan(100);
    }
  });

  it('reads the first paper with its metadata and project link', () => {
    expect(records[0]).toEqual({
      id: 'factorized-visual-tokenization-and-generation',
      title: 'Factorized Visual Tokenization and Generation',
      abstract: expect.stringMatching(/^Visual tokenizers are fundamental .* https:\/\/showlab\.github\.io\/FQGAN$/),
      authors: null,
      authors_count: 7,
      published: '2024-11-25',
      updated: null,
      categories: null,
      doi: null,
      upvotes: 2,
      url: null,
      github_url: null,
      project_url: 'https://showlab.github.io/FQGAN',
      extra: {},
    });
    expect(sample.records[0]!.line).toBe(13);
  });

  it('reads a date without upvotes', () => {
    const r = paper('sf-da-2-source-free-domain-adaptation-through-the-lens-of-data-augmentation');
    expect(r.title).toBe('SF(DA)$^2$: Source-free Domain Adaptation Through the Lens of Data Augmentation');
    expect([r.authors_count, r.published, r.upvotes]).toEqual([4, '2024-03-16', null]);
  });

  it('reads the entry that has no metadata lines', () => {
    const r = paper(titleSlug('Approaching an unknown communication system by latent space exploration and causal inference'));
    expect([r.authors_count, r.published, r.upvotes]).toEqual([null, null, null]);
    expect(r.abstract.length).toBeGreaterThan(100);
  });

  it('puts yearless dates in the captured year, keeping the upvotes', () => {
    const r = paper('franca-nested-matryoshka-clustering-for-scalable-visual-representation-learning');
    expect([r.published, r.upvotes, r.github_url]).toEqual(['2025-07-18', 5, 'https://github.com/valeoai/Franca']);
    const note = sample.notes.find((n) => n.includes('no year'));
    expect(note).toContain('7 date(s) had no year');
    expect(note).toContain('2025');
    expect(note).toContain('--captured-year');
    const other = parseHfPage(readFileSync(SAMPLE, 'utf8'), SAMPLE, { capturedYear: 2024 });
    const franca = other.records.find((x) => x.record.id === r.id)!.record;
    expect(franca.published).toBe('2024-07-18');
  });

  // Regression (issue 14): the year defaulted to the current one, so the README's `npm run ingest`
  // of the sample (after `npm start` had read it as 2025) re-dated 7 papers into the future.
  it('reads the capture year from the page itself, so the same file gives the same dates in any year', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const now of ['2025-08-01', '2031-03-01']) {
        vi.setSystemTime(new Date(`${now}T12:00:00Z`));
        const result = parseHfPage(readFileSync(SAMPLE, 'utf8'), SAMPLE);
        const franca = result.records.find((x) => x.record.id.startsWith('franca-'))!.record;
        expect(franca.published).toBe('2025-07-18');
        // The same records as with capturedYear 2025, the year `npm start` reads the sample with (src/cli/sample.ts).
        expect(result.records.map((r) => r.record)).toEqual(records);
        const note = result.notes.find((n) => n.includes('no year'));
        expect(note).toContain('taken to be in 2025 (the year after the newest entry that printed its year, "Dec 17, 2024"');
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('falls back to the current UTC year only when no entry prints its year', () => {
    const page = [
      'Only Paper',
      '',
      'x'.repeat(20) + ' ' + 'An abstract paragraph, long enough to read as one. '.repeat(3),
      '',
      '  • 2 authors',
      '·',
      'Jul 18 5',
    ].join('\n');
    const result = parseHfPage(page, 'p.txt');
    expect(result.records[0]!.record.published).toBe(`${new Date().getUTCFullYear()}-07-18`);
    expect(result.notes.join('\n')).toContain('current UTC year');
  });

  it('extracts GitHub links without the sentence full stop', () => {
    expect(paper('attencraft-attention-guided-disentanglement-of-multiple-concepts-for-text-to-ima').github_url).toBe(
      'https://github.com/junjie-shentu/AttenCraft',
    );
    expect(paper('parot-patch-wise-rotation-invariant-network-via-feature-disentanglement-and-pose').project_url).toBe('https://patchrot.github.io/');
  });

  it('never turns page chrome into a paper, and says what it skipped', () => {
    const chrome = ['new', 'Get trending papers in your email inbox!', 'Subscribe', 'Daily Papers', 'byAK and the research community', 'Nov 14'];
    for (const r of records) {
      for (const c of chrome) expect(r.title.toLowerCase()).not.toBe(c.toLowerCase());
      expect(r.title).not.toMatch(/^(Daily Papers|Subscribe|new|Nov 14)$/i);
    }
    const note = sample.notes.find((n) => n.includes('chrome'));
    expect(note).toBeDefined();
    for (const c of chrome) expect(note).toContain(JSON.stringify(c));
  });

  it.skipIf(!existsSync(QUERIES))('covers every paper id judged in the public eval queries', () => {
    const judged = new Set<string>();
    for (const line of readFileSync(QUERIES, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      for (const id of Object.keys((JSON.parse(line) as { relevant: Record<string, number> }).relevant)) judged.add(id);
    }
    expect(judged.size).toBeGreaterThan(0);
    const missing = [...judged].filter((id) => !byId.has(id));
    expect(missing).toEqual([]);
  });
});

const abstract = (topic: string) =>
  `We study ${topic} in depth. This paragraph is long enough to read as an abstract rather than a heading, ` +
  'and it says what was done, how, and what came out of it.';
const longTitle = 'A Remarkably Long Title About Disentangled Representations That Keeps Going Well Past One Hundred Characters To Test Chrome';

describe('parseHfPage on other pages of the same format', () => {
  it('skips different chrome without knowing its text, including a lone date before a long title', () => {
    const page = [
      'Trending Papers',
      '',
      'Sign in to follow',
      '',
      'Dec 3',
      '',
      longTitle,
      '',
      abstract('alpha'),
      '',
      '  • 3 authors',
      '·',
      'Dec 1, 2024 12',
      '',
      'Second Paper',
      '',
      abstract('beta'),
      '',
      '  • 1 author',
      '·',
      'Feb 29',
      '',
      'Load more',
    ].join('\n');
    const result = parseHfPage(page, 'p.txt', { capturedYear: 2024 });
    expect(result.records.map((r) => [r.record.title, r.record.authors_count, r.record.published, r.record.upvotes, r.line])).toEqual([
      [longTitle, 3, '2024-12-01', 12, 7],
      ['Second Paper', 1, '2024-02-29', null, 15],
    ]);
    expect(result.problems).toEqual([]);
    expect(result.notes[0]).toContain('4 block(s) of page chrome');
    expect(result.notes[0]).toContain('"Load more"');
  });

  it('prefers the long title when a chrome line sits right before it without metadata', () => {
    const page = ['byAK and the research community', '', longTitle, '', abstract('gamma')].join('\n');
    const result = parseHfPage(page, 'p.txt', { capturedYear: 2024 });
    expect(result.records.map((r) => r.record.title)).toEqual([longTitle]);
  });

  it('reports unrecognised text between papers, bad dates and duplicate ids as problems', () => {
    const page = [
      'Paper One',
      '',
      abstract('one'),
      '',
      '  • 2 authors',
      '·',
      'Jan 5, 2024',
      '',
      'Stray line',
      '',
      'Paper Two',
      '',
      abstract('two'),
      '',
      '  • 2 authors',
      '·',
      'Feb 30, 2024',
      '',
      'Paper One',
      '',
      abstract('again'),
      '',
      '  • 2 authors',
      '·',
      'Mar 1, 2024',
      '',
      '深度学习',
      '',
      abstract('no slug'),
      '',
      'Paper Three',
      '',
      abstract('three'),
    ].join('\r\n');
    const result = parseHfPage(page, 'p.txt', { capturedYear: 2024 });
    expect(result.records.map((r) => r.record.id)).toEqual(['paper-one', 'paper-three']);
    expect(result.problems).toEqual([
      { file: 'p.txt', line: 9, field: '(entry)', reason: expect.stringContaining('"Stray line"') },
      { file: 'p.txt', line: 11, field: 'published', reason: '"Feb 30, 2024" is not a calendar date' },
      { file: 'p.txt', line: 19, field: 'id', reason: 'duplicate id "paper-one" (first seen at line 1); kept the first' },
      { file: 'p.txt', line: 27, field: 'id', reason: expect.stringContaining('no a-z/0-9 characters') },
    ]);
  });

  it('says so when a file has no entries at all', () => {
    const result = parseHfPage('just\n\nsome words\n', 'empty.txt');
    expect(result.records).toEqual([]);
    expect(result.notes.join('\n')).toContain('no paper entries found');
  });

  it('rejects an impossible captured year', () => {
    expect(() => parseHfPage('', 'x.txt', { capturedYear: 25 })).toThrow(/four-digit year/);
  });
});
