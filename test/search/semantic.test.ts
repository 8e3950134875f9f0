// Filtered vector retrieval returns exactly k results whenever k papers pass, on both strategies
// (exact scan of a small passing set, HNSW over-fetch for a large one), and matches an exact scan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactScan, semanticCandidates } from '../../src/search/semantic.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { PaperStore, type PaperWriter } from '../../src/store/paper-store.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';

const DIMS = 32;
const COUNT = 3000;
let seed = 7;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randomVector = () => Float32Array.from({ length: DIMS }, random);

const record = (i: number): PaperRecord => ({
  id: `p${i}`,
  title: `Paper ${i}`,
  abstract: `Abstract of paper ${i}`,
  authors: null,
  authors_count: null,
  // 3% of papers are from 2020, the rest from 2023; every other paper has code.
  published: i % 33 === 0 ? '2020-06-01' : '2023-06-01',
  updated: null,
  doi: null,
  // The 2020 papers are hep-ph (3%), the rest cs: a third cs.LG + stat.ML, two thirds cs.CV.
  categories: i % 33 === 0 ? ['hep-ph'] : i % 3 === 0 ? ['cs.LG', 'stat.ML'] : ['cs.CV'],
  upvotes: i % 10,
  url: null,
  github_url: i % 2 === 0 ? `https://github.com/x/p${i}` : null,
  project_url: null,
  extra: {},
});

const dir = tempDir();
let store: PaperWriter;
beforeAll(() => {
  store = PaperStore.open({ dataDir: dir.path, hnsw: HNSW });
  store.bind({ model: 'synthetic', dtype: 'fp32', pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '', dims: DIMS });
  store.write(Array.from({ length: COUNT }, (_, i) => ({ record: record(i), hashes: { content: `${i}`, record: `${i}` }, vector: randomVector() })));
});
afterAll(() => {
  store.close();
  dir.remove();
});

const rare = { publishedTo: '2021-01-01' }; // passes 91 of 3000 (3%)
const half = { hasCode: true };
const rareCategory = { category: 'hep-ph' }; // 91 of 3000
const wideCategory = { category: 'cs.*' }; // 2909 of 3000
const combined = { category: 'stat.ML', hasCode: true }; // 909 stat.ML, half of them with code

describe('semanticCandidates with filters', () => {
  it.each([
    ['exact scan of a small passing set', rare, 5000],
    ['HNSW over-fetch when few percent pass', rare, 10],
    ['HNSW over-fetch when half pass', half, 10],
    ['category, exact scan', rareCategory, 5000],
    ['category, HNSW over-fetch when few percent pass', rareCategory, 10],
    ['category prefix, HNSW over-fetch when most pass', wideCategory, 10],
    ['category prefix, exact scan', wideCategory, 5000],
    ['category and code together', combined, 10],
  ])('%s returns exactly k passing papers, equal to an exact scan', (_name, filter, exactScanMax) => {
    const query = randomVector();
    const found = semanticCandidates(store, query, 20, filter, exactScanMax);
    expect(found).toHaveLength(20);
    const passing = store.labelsPassing(
      found.map(([label]) => label),
      filter,
    );
    expect(passing.size).toBe(20);
    const truth = exactScan(store.vectorsPassing(filter), query, 20).map(([label]) => label);
    const overlap = found.filter(([label]) => truth.includes(label)).length;
    expect(overlap).toBeGreaterThanOrEqual(19);
  });

  it('returns every passing paper when fewer than k pass', () => {
    const found = semanticCandidates(store, randomVector(), 200, rare, 10);
    expect(found).toHaveLength(91);
  });

  it('returns nothing when nothing passes', () => {
    expect(semanticCandidates(store, randomVector(), 10, { publishedFrom: '2030-01-01' })).toEqual([]);
    expect(semanticCandidates(store, randomVector(), 10, { category: 'math.*' })).toEqual([]);
    expect(semanticCandidates(store, randomVector(), 10, { category: 'cs' })).toEqual([]);
  });

  it('counts the papers a category passes', () => {
    expect(store.countWithVectors(rareCategory)).toBe(91);
    expect(store.countWithVectors(wideCategory)).toBe(2909);
    expect(store.countWithVectors({ category: 'CS.lg' })).toBe(909);
    expect(semanticCandidates(store, randomVector(), 200, rareCategory, 10)).toHaveLength(91);
  });
});
