// Experiment for the query section: splits "SQLite hydration + highlights" into its two queries
// (papers by label via json_each, FTS5 highlight/snippet for the page) on the 100k bench index.
//   node --import tsx scripts/bench/hydrate-split.ts [.bench/query-index-100000-pidx]
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { distinctQueries } from './lib/papers.ts';
import { clusteredDataset, row } from './lib/synthetic.ts';
import { HNSW_DIR } from './hnsw.ts';
import { fixed, summary } from './lib/report.ts';

const store = PaperStore.open({ dataDir: process.argv[2] ?? '.bench/query-index-100000-pidx', hnsw: { M: 16, efConstruction: 200, ef: 64 } });
const data = clusteredDataset(HNSW_DIR, 100_000);
const queries = distinctQueries(400).slice(300);
const byLabels: number[] = [];
const highlights: number[] = [];
queries.forEach((query, i) => {
  const labels = store.nearest(row(data.queries, i, data.dims), 10).map(([label]) => label);
  let t = performance.now();
  const papers = store.papersByLabels(labels);
  byLabels.push(performance.now() - t);
  t = performance.now();
  store.fulltext.highlights(new KeywordSearch(store).words(query), papers);
  highlights.push(performance.now() - t);
});
for (const [name, samples] of [
  ['papersByLabels (json_each IN)', byLabels],
  ['fulltext.highlights (the page in a temp FTS5 table)', highlights],
] as const) {
  const s = summary(samples);
  console.log(`${name}: mean ${fixed(s.mean, 2)} ms, p50 ${fixed(s.p50, 2)}, p99 ${fixed(s.p99, 2)}`);
}
store.close();
