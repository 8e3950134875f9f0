// Keyword ranking: BM25F with Lucene's idf, checked against a brute-force implementation of the
// formula over the raw texts; MaxScore pruning checked against the exhaustive ranking on random
// queries; totals exact or marked as lower bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BM25 } from '../../src/defaults.ts';
import { luceneIdf } from '../../src/search/bm25.ts';
import { KeywordRanker } from '../../src/search/keyword-ranker.ts';
import { KeywordSearch, type KeywordStore } from '../../src/search/keyword-search.ts';
import { stopwords } from '../../src/search/query-analysis.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { PaperStore, type PaperWriter } from '../../src/store/paper-store.ts';
import { HNSW, tempDir, paperRecord } from '../support/fixtures.ts';
import { random } from '../support/random.ts';

const record = paperRecord;
const write = (store: PaperWriter, records: PaperRecord[]) =>
  store.write(records.map((r) => ({ record: r, hashes: { content: r.title + r.abstract, record: r.title + r.abstract }, vector: null })));

// Words Porter stemming leaves alone (consonant-vowel-consonant, no suffix), so the test can count
// occurrences on the raw text the way FTS5 indexes them.
const CONSONANTS = 'bdfgklmnprtvz';
const VOWELS = 'aiou';
const VOCABULARY = Array.from({ length: 400 }, (_, i) => CONSONANTS[i % 13]! + VOWELS[Math.floor(i / 13) % 4]! + CONSONANTS[Math.floor(i / 52) % 13]! + 'x');

let dir: ReturnType<typeof tempDir>;
let store: PaperWriter;
const texts = new Map<string, { title: string[]; abstract: string[] }>();

beforeAll(() => {
  dir = tempDir();
  store = PaperStore.open({ dataDir: dir.path, hnsw: HNSW });
  const next = random(7);
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length * next() ** 2.5)]!;
  const words = (n: number) => Array.from({ length: n }, word);
  for (let batch = 0; batch < 6; batch++) {
    const records: PaperRecord[] = [];
    for (let i = 0; i < 500; i++) {
      const id = `p${batch}-${i}`;
      const title = words(2 + Math.floor(next() * 6));
      const abstract = words(10 + Math.floor(next() * 120));
      texts.set(id, { title, abstract });
      records.push(record(id, title.join(' '), abstract.join(' ')));
    }
    write(store, records);
    // Some papers change or go after they were indexed: their old postings must not count.
    const changed = [...texts.keys()].filter(() => next() < 0.02);
    const updates = changed.slice(0, changed.length / 2).map((id) => {
      const title = words(3);
      const abstract = words(30);
      texts.set(id, { title, abstract });
      return record(id, title.join(' '), abstract.join(' '));
    });
    write(store, updates);
    const gone = changed.slice(changed.length / 2);
    store.delete(gone);
    for (const id of gone) texts.delete(id);
  }
});
afterAll(() => {
  store.close();
  dir.remove();
});

/** BM25F straight from the definition over the raw texts. */
function bruteForce(query: string[], depth: number): [string, number][] {
  const { k1, b, titleWeight } = DEFAULT_BM25;
  const docs = [...texts];
  const averages = [0, 1].map((f) => docs.reduce((sum, [, t]) => sum + (f === 0 ? t.title : t.abstract).length, 0) / docs.length);
  const counts = new Map<string, number>();
  for (const word of query) counts.set(word, (counts.get(word) ?? 0) + 1);
  const df = new Map([...counts.keys()].map((word) => [word, docs.filter(([, t]) => t.title.includes(word) || t.abstract.includes(word)).length]));
  const scored: [string, number][] = [];
  for (const [id, text] of docs) {
    let score = 0;
    let matched = false;
    for (const [word, times] of counts) {
      const tf = [text.title, text.abstract].map((field) => field.filter((w) => w === word).length);
      if (tf[0] === 0 && tf[1] === 0) continue;
      matched = true;
      const fields = [text.title.length, text.abstract.length];
      const weighted = tf.reduce((sum, f, i) => sum + ((i === 0 ? titleWeight : 1) * f) / (1 - b + (b * fields[i]!) / averages[i]!), 0);
      score += times * luceneIdf(docs.length, df.get(word)!) * ((weighted * (k1 + 1)) / (weighted + k1));
    }
    if (matched) scored.push([id, score]);
  }
  return scored.sort((x, y) => y[1] - x[1]).slice(0, depth);
}

describe('keyword ranking', () => {
  it('scores BM25F with Lucene idf exactly as the formula over the raw texts', () => {
    const search = new KeywordSearch(store, { bm25: DEFAULT_BM25, stopwords: new Set() });
    const next = random(11);
    for (let q = 0; q < 25; q++) {
      const query = Array.from({ length: 1 + Math.floor(next() * 5) }, () => VOCABULARY[Math.floor(next() * 120)]!);
      const result = search.search(query.join(' '), undefined, 10);
      const papers = store.papersByLabels(result.hits.map(([label]) => label));
      const got = result.hits.map(([label, score]) => [papers.get(label)!.id, score] as const);
      const want = bruteForce(query, 10);
      // Each posting's frequency part is kept in single precision (keyword-ranker.ts): 5 decimals.
      expect(got.map(([, score]) => score)).toEqual(want.map(([, score]) => expect.closeTo(score, 5)));
      // Same documents, allowing only ties to change places.
      for (const [i, [id]] of got.entries()) if (want[i]![0] !== id) expect(want[i]![1]).toBeCloseTo(got[i]![1], 5);
    }
  });

  it('never lets a word in every document score zero: it still orders them by frequency', () => {
    const dense = tempDir();
    const small = PaperStore.open({ dataDir: dense.path, hnsw: HNSW });
    try {
      write(
        small,
        [1, 2, 3, 4].map((n) => record(`d${n}`, 'Same title', `${'common '.repeat(n)}filler text here`)),
      );
      const result = new KeywordSearch(small).search('common', undefined, 10);
      const ids = small.papersByLabels(result.hits.map(([label]) => label));
      expect(result.hits.map(([label]) => ids.get(label)!.id)).toEqual(['d4', 'd3', 'd2', 'd1']);
      expect(Math.min(...result.hits.map(([, score]) => score))).toBeGreaterThan(0.01);
    } finally {
      small.close();
      dense.remove();
    }
  });

  it('returns exactly the exhaustive top k with pruning, on 300 random queries', () => {
    // Windows of 64 rows (~50 windows here): windows skipped, and terms essential in some windows
    // and not in others; every third query with the default windows (the whole corpus in one).
    const [small, whole] = [new KeywordRanker(DEFAULT_BM25, { windowBits: 6 }), new KeywordRanker(DEFAULT_BM25)];
    const next = random(23);
    let pruned = 0;
    for (let q = 0; q < 300; q++) {
      const ranker = q % 3 === 2 ? whole : small;
      // Mixes of rare and very common words, repeats included.
      const terms = Array.from({ length: 1 + Math.floor(next() * 8) }, () => ({
        term: VOCABULARY[Math.floor(VOCABULARY.length * next() ** (q % 2 ? 1 : 3))]!,
        count: 1 + Math.floor(next() * 1.3),
      }));
      const depth = [1, 10, 100][q % 3]!;
      const [fast, full] = store.keyword.read((view) => [ranker.rank(view, terms, depth), ranker.rank(view, terms, depth, { prune: false })]);
      expect(fast.hits).toEqual(full.hits);
      // The corpus is small, so totals stay exact (under the cap) even when pruning skipped postings.
      expect([fast.total, fast.exact]).toEqual([full.total, true]);
      expect(full.skipped).toBe(0);
      if (fast.skipped > 0) pruned++;
    }
    // Not a vacuous comparison: most queries skipped postings.
    expect(pruned).toBeGreaterThan(150);
  });

  it('returns exactly the exhaustive filtered top k when the filter is asked window by window, on 200 random queries', () => {
    const ranker = new KeywordRanker(DEFAULT_BM25, { windowBits: 6 });
    const next = random(31);
    let lowerBounds = 0;
    for (let q = 0; q < 200; q++) {
      const terms = Array.from({ length: 1 + Math.floor(next() * 6) }, () => ({
        term: VOCABULARY[Math.floor(VOCABULARY.length * next() ** (q % 2 ? 1 : 3))]!,
        count: 1,
      }));
      // Filters from very selective (1 label in 50) to broad (1 in 2), as a label set like labelsPassing's.
      const modulus = [50, 7, 2][q % 3]!;
      const passes = (labels: number[]) => new Set(labels.filter((label) => label % modulus === 0));
      const depth = [1, 10, 100][Math.floor(q / 3) % 3]!;
      const [windowed, full] = store.keyword.read((view) => [
        // A cap of 0 sends every filtered query through the windowed path.
        ranker.rank(view, terms, depth, { passes, exactTotalUnder: 0 }),
        ranker.rank(view, terms, depth, { passes, prune: false }),
      ]);
      expect(windowed.hits).toEqual(full.hits);
      expect(windowed.hits.every(([label]) => label % modulus === 0)).toBe(true);
      if (windowed.exact) expect(windowed.total).toBe(full.total);
      else {
        lowerBounds++;
        expect(windowed.total).toBeGreaterThanOrEqual(windowed.hits.length);
        expect(windowed.total).toBeLessThanOrEqual(full.total);
      }
    }
    // Not a vacuous comparison: most queries were pruned (their totals became lower bounds).
    expect(lowerBounds).toBeGreaterThan(100);
  });

  it('reads a filter once passing papers are rare among the matches, with the same ranking', () => {
    // 1 paper in 97 passes; labelsPassing answers for lists, labelsWhere once for all papers.
    const passes = (label: number) => label % 97 === 0;
    const calls = { lists: 0, scans: 0 };
    const spied: KeywordStore = {
      keyword: store.keyword,
      labelsPassing: (labels) => {
        calls.lists++;
        return new Set(labels.filter(passes));
      },
      labelsWhere: () => {
        calls.scans++;
        return new Set(Array.from({ length: 4000 }, (_, label) => label).filter(passes));
      },
    };
    const options = { bm25: DEFAULT_BM25, stopwords: new Set<string>() };
    const scanning = new KeywordSearch(spied, { ...options, filterScanAfter: 200 });
    const asking = new KeywordSearch(spied, { ...options, filterScanAfter: Number.POSITIVE_INFINITY });
    const filter = { minUpvotes: 1 }; // any filter: the spy decides what passes
    for (const words of [VOCABULARY.slice(0, 3), VOCABULARY.slice(5, 6), [VOCABULARY[2]!, VOCABULARY[300]!]]) {
      calls.scans = 0;
      const scanned = scanning.search(words.join(' '), filter, 10);
      expect(calls.scans).toBe(1);
      calls.lists = 0;
      const asked = asking.search(words.join(' '), filter, 10);
      expect(calls.scans).toBe(1);
      expect(calls.lists).toBeGreaterThan(0);
      expect(scanned.hits).toEqual(asked.hits);
      expect([scanned.total, scanned.exact]).toEqual([asked.total, asked.exact]);
      expect(scanned.hits.length).toBeGreaterThan(0);
    }
  });

  it('marks the total a lower bound once it passes the cap, and exact below it', () => {
    const ranker = new KeywordRanker(DEFAULT_BM25);
    const common = [
      { term: VOCABULARY[0]!, count: 1 },
      { term: VOCABULARY[1]!, count: 1 },
      { term: VOCABULARY[300]!, count: 3 },
    ];
    const [capped, full] = store.keyword.read((view) => [
      ranker.rank(view, common, 10, { exactTotalUnder: 50 }),
      ranker.rank(view, common, 10, { prune: false }),
    ]);
    expect(capped.hits).toEqual(full.hits);
    expect(full.exact).toBe(true);
    expect(capped.exact).toBe(false);
    expect(capped.total).toBeGreaterThanOrEqual(50);
    expect(capped.total).toBeLessThanOrEqual(full.total);
  });
});

describe('query words', () => {
  it('drops stop words, but not from a query made only of them', () => {
    const search = new KeywordSearch(store, { bm25: DEFAULT_BM25, stopwords: stopwords('english') });
    expect(search.words('What is the effect of the zuk?')).toEqual(['effect', 'zuk']);
    expect(search.words('to be or not to be')).toEqual(['to', 'be', 'or', 'not']);
  });

  it('counts a repeated word (after stemming) as often as it is said', () => {
    expect([...store.keyword.terms('models model Modelling zuk')]).toEqual([
      ['model', 3],
      ['zuk', 1],
    ]);
  });
});
