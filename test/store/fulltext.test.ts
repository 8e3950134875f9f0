// The keyword index follows every write: inserts, updates of title/abstract, and deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import { matchExpression } from '../../src/store/fulltext.ts';
import { PaperStore, type PaperWriter } from '../../src/store/paper-store.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import type { PaperFilter } from '../../src/store/filters.ts';
import { HNSW, tempDir, paperRecord } from '../support/fixtures.ts';

const record = paperRecord;
const write = (store: PaperWriter, r: PaperRecord) => store.write([{ record: r, hashes: { content: r.abstract, record: r.title + r.abstract }, vector: null }]);
const search = (store: PaperWriter, query: string, filter?: PaperFilter, depth = 10) => new KeywordSearch(store).search(query, filter, depth);
const found = (store: PaperWriter, query: string) => store.papersByLabels(search(store, query).hits.map(([l]) => l));

let dir: ReturnType<typeof tempDir>;
let store: PaperWriter;
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
    expect(search(store, 'resonators').total).toBe(1);
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
    expect(search(store, 'quasicrystals').hits.map(([label]) => store.papersByLabels([label]).get(label)!.id)).toEqual(['in-title', 'abstract-only']);
  });

  it('quotes every term so FTS5 operators in user text are plain words', () => {
    expect(matchExpression(['near(', 'a"b', 'or'])).toBe('"near(" OR "a""b" OR "or"');
    write(store, record('a', 'NEAR or far', 'A "quoted" word.'));
    expect(search(store, 'near( " * or -').total).toBe(1);
  });

  it('ranks and counts the same with no filter as with a filter every paper passes (asked in batches)', () => {
    for (let i = 0; i < 30; i++) {
      write(store, record(`p${i}`, i % 3 === 0 ? 'Lambic zymurgy' : `Paper ${i}`, `${'zymurgy '.repeat(i % 5)}yeast and beer number ${i}.`));
    }
    store.delete(['p4', 'p9']);
    const everyone = { minUpvotes: 0 };
    for (const query of ['zymurgy', 'zymurgy yeast', 'beer lambic']) {
      for (const depth of [1, 10, 50]) {
        const plain = search(store, query, undefined, depth);
        const filtered = search(store, query, everyone, depth);
        expect(filtered.hits).toEqual(plain.hits);
        expect([filtered.total, filtered.exact]).toEqual([plain.total, true]);
      }
    }
    expect(search(store, 'yeast').total).toBe(28);
    expect(search(store, 'yeast', { minUpvotes: 1 }).total).toBe(0);
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
    const papers = store.papersByLabels(search(store, 'diffusion model learn fermenting').hits.map(([l]) => l));
    expect(papers.size).toBe(2);
    const started = performance.now();
    const marked = store.highlights(['diffusion', 'model', 'learn', 'fermenting'], papers);
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
    const papers = store.papersByLabels(search(store, 'zymurgy').hits.map(([l]) => l));
    expect(store.highlights(['xylophone'], papers).size).toBe(0);
    expect(store.highlights(['zymurgy'], papers).size).toBe(1);
    expect(store.highlights(['zymurgy'], papers).size).toBe(1);
  });
});
