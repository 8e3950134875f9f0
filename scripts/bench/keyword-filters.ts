// Section `keyword-filters`: keyword search with metadata filters at scale, in process. The index of
// `keyword-scale` for one size (build it with that section first), the 300 SciFact claims, k 10,
// each filter after an unmeasured pass with it (postings and SQLite pages warm): the ranking with the
// filter asked window by window (src/search/keyword-ranker.ts), and labelsPassing's lookups.
//
//   npm run bench -- keyword-scale --sizes 1000000 --efc 64 --prepare-only
//   npm run bench -- keyword-filters --size 1000000 [--data-dir DIR]
import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import type { PaperFilter } from '../../src/store/filters.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { claims } from './keyword-scale.ts';
import { BENCH_DIR, fixed, log, now, publish, summary, table, type Args } from './lib/report.ts';

/** From none to a filter nothing in the scale corpus passes (it has no upvote counts). */
const FILTERS: [string, PaperFilter | undefined][] = [
  ['none', undefined],
  ['category=cs.AI', { category: 'cs.AI' }],
  ['category=q-bio.NC', { category: 'q-bio.NC' }],
  ['category=cs.*', { category: 'cs.*' }],
  ['published_from=2015-01-01', { publishedFrom: '2015-01-01' }],
  ['min_upvotes=5 (passes none)', { minUpvotes: 5 }],
];

export async function runKeywordFilters(args: Args): Promise<void> {
  const size = Number(args.size ?? 1_000_000);
  const dataDir = args['data-dir'] ?? path.join(BENCH_DIR, `keyword-scale-${size}`);
  const store = PaperStore.open({ dataDir, hnsw: DEFAULT_HNSW, role: 'reader', log });
  try {
    const papers = store.count();
    const search = new KeywordSearch(store);
    search.prepare();
    const queries = claims();
    const rows: (string | number)[][] = [];
    for (const [name, filter] of FILTERS) {
      // Warms the postings and the pages of the papers this filter looks up.
      for (const query of queries) search.search(query, filter, 10);
      const times: number[] = [];
      let lowerBounds = 0;
      for (const query of queries) {
        const started = now();
        const result = search.search(query, filter, 10);
        times.push(now() - started);
        if (!result.exact) lowerBounds++;
      }
      const s = summary(times);
      log(`${name}: p50 ${fixed(s.p50)} ms, p99 ${fixed(s.p99)} ms`);
      rows.push([name, fixed(s.mean), fixed(s.p50), fixed(s.p99), fixed(s.max), lowerBounds]);
    }
    publish(
      'keyword-filters',
      `### Keyword search with filters, ${papers.toLocaleString('en-US')} papers, in process, warm, the 300 SciFact claims, k 10 (ms)\n\n` +
        table(['filter', 'mean', 'p50', 'p99', 'max', 'total a lower bound'], rows),
      { papers, rows },
    );
  } finally {
    store.close();
  }
}
