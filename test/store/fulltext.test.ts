// The keyword index follows every write: inserts, updates of title/abstract, and deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchExpression } from '../../src/store/fulltext.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';

const record = (id: string, title: string, abstract: string): PaperRecord => ({
  id, title, abstract, authors: null, authors_count: null, published: null, updated: null, categories: null, doi: null, upvotes: null, url: null, github_url: null, project_url: null, extra: {},
});
const write = (store: PaperStore, r: PaperRecord) => store.write([{ record: r, hashes: { content: r.abstract, record: r.title + r.abstract }, vector: null }]);
const found = (store: PaperStore, term: string) => store.papersByLabels(store.fulltext.search([term], undefined, 10).map(([l]) => l));

let dir: ReturnType<typeof tempDir>;
let store: PaperStore;
beforeEach(() => {
  dir = tempDir();
  store = PaperStore.open({ dataDir: dir.path, hnsw: HNSW });
});
afterEach(() => {
  store.close();
  dir.remove();
});

describe('FullTextIndex', () => {
  it('finds new papers by title and abstract words, stemmed', () => {
    write(store, record('a', 'Zymurgy of lambic beer', 'Spontaneous fermentation by wild yeasts.'));
    expect([...found(store, 'zymurgy').values()].map((p) => p.id)).toEqual(['a']);
    expect(found(store, 'ferment').size).toBe(1); // porter stemming: fermentation → ferment
  });

  it('forgets replaced words after an update and finds the new ones', () => {
    write(store, record('a', 'Zymurgy of lambic beer', 'Spontaneous fermentation by wild yeasts.'));
    write(store, record('a', 'Xylophone acoustics', 'Bars and resonators.'));
    expect(found(store, 'zymurgy').size).toBe(0);
    expect(found(store, 'fermentation').size).toBe(0);
    expect(found(store, 'xylophone').size).toBe(1);
    expect(store.fulltext.count(['resonators'], undefined)).toBe(1);
  });

  it('forgets deleted papers', () => {
    write(store, record('a', 'Zymurgy of lambic beer', 'Spontaneous fermentation.'));
    write(store, record('b', 'More zymurgy', 'Hops.'));
    expect(store.delete(['a', 'missing'])).toEqual(['a']);
    expect([...found(store, 'zymurgy').values()].map((p) => p.id)).toEqual(['b']);
  });

  it('ranks title matches above abstract-only matches', () => {
    write(store, record('abstract-only', 'Something else entirely', 'We study quasicrystals in alloys.'));
    write(store, record('in-title', 'Quasicrystals', 'We study alloys.'));
    expect(store.fulltext.search(['quasicrystals'], undefined, 10).map(([label]) => store.papersByLabels([label]).get(label)!.id)).toEqual([
      'in-title',
      'abstract-only',
    ]);
  });

  it('quotes every term so FTS5 operators in user text are plain words', () => {
    expect(matchExpression(['near(', 'a"b', 'or'])).toBe('"near(" OR "a""b" OR "or"');
    write(store, record('a', 'NEAR or far', 'A "quoted" word.'));
    expect(() => store.fulltext.search(['near(', '"', '*', 'or', '-'], undefined, 10)).not.toThrow();
  });

  it('ranks and counts the same with no filter (FTS5 alone) as with a filter every paper passes (joined to papers)', () => {
    for (let i = 0; i < 30; i++) {
      write(store, record(`p${i}`, i % 3 === 0 ? 'Lambic zymurgy' : `Paper ${i}`, `${'zymurgy '.repeat(i % 5)}yeast and beer number ${i}.`));
    }
    store.delete(['p4', 'p9']);
    const everyone = { minUpvotes: 0 };
    for (const terms of [['zymurgy'], ['zymurgy', 'yeast'], ['beer', 'lambic']]) {
      for (const [limit, offset] of [[10, 0], [10, 10], [50, 5]] as const) {
        expect(store.fulltext.search(terms, undefined, limit, offset)).toEqual(store.fulltext.search(terms, everyone, limit, offset));
      }
      expect(store.fulltext.count(terms, undefined)).toBe(store.fulltext.count(terms, everyone));
    }
    expect(store.fulltext.count(['yeast'], undefined)).toBe(28);
    expect(store.fulltext.count(['yeast'], { minUpvotes: 1 })).toBe(0);
  });
});

describe('highlights on bounded text', () => {
  // An index written before ingest bounded abstracts may hold a full text: FTS5's snippet() over it
  // took 11 s for a three-word query at 1 MB (quadratic in the matches), blocking the server.
  it('marks stemmed matches and stays fast on a 1 MB abstract', () => {
    const words = ['diffusion', 'models', 'learning', 'of', 'the', 'latent', 'images'];
    let text = '';
    for (let i = 0; text.length < 1_000_000; i++) text += `${words[(i * 5) % words.length]} `;
    write(store, record('long', 'Diffusion models for everything', text));
    write(store, record('short', 'Zymurgy of lambic beer', 'Spontaneous fermentation by wild yeasts.'));
    const papers = store.papersByLabels(store.fulltext.search(['diffusion', 'model', 'learn', 'fermenting'], undefined, 10).map(([l]) => l));
    expect(papers.size).toBe(2);
    const started = performance.now();
    const marked = store.fulltext.highlights(['diffusion', 'model', 'learn', 'fermenting'], papers);
    const elapsed = performance.now() - started;
    const [long, short] = [...papers.keys()].sort((a, b) => papers.get(a)!.id.localeCompare(papers.get(b)!.id));
    expect(marked.get(long!)!.title).toBe('\uE000Diffusion\uE001 \uE000models\uE001 for everything');
    expect(marked.get(long!)!.abstract).toContain('\uE000learning\uE001');
    expect(marked.get(short!)!.abstract).toBe('Spontaneous \uE000fermentation\uE001 by wild yeasts.');
    // Bounded by the page, not the document: it was 11,000+ ms before (BENCHMARKS.md has the figures).
    expect(elapsed).toBeLessThan(200);
  });

  it('marks nothing for papers that do not match, and leaves no rows behind', () => {
    write(store, record('a', 'Zymurgy of lambic beer', 'Spontaneous fermentation by wild yeasts.'));
    const papers = store.papersByLabels(store.fulltext.search(['zymurgy'], undefined, 10).map(([l]) => l));
    expect(store.fulltext.highlights(['xylophone'], papers).size).toBe(0);
    expect(store.fulltext.highlights(['zymurgy'], papers).size).toBe(1);
    expect(store.fulltext.highlights(['zymurgy'], papers).size).toBe(1);
  });
});
