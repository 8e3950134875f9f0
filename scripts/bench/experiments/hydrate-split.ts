// Experiment for the query section: splits "SQLite hydration + highlights" into its two queries
// (papers by label via json_each, FTS5 highlight/snippet for the page) on the query section's bench index (100k by default).
// Needs the query section's index of the same size (`npm run bench -- query --n 100000 --prepare-only`).
//   node --import tsx scripts/bench/experiments/hydrate-split.ts [--n 100000] [--data-dir .bench/query-index-<n>]
import path from 'node:path';
import { DEFAULT_HNSW } from '../../../src/defaults.ts';
import { KeywordSearch } from '../../../src/search/keyword-search.ts';
import { PaperStore } from '../../../src/store/paper-store.ts';
import { HNSW_DIR } from '../hnsw.ts';
import { intOption, parseOptions } from '../lib/args.ts';
import { distinctQueries } from '../lib/papers.ts';
import { BENCH_DIR, fixed, summary } from '../lib/report.ts';
import { clusteredDataset, row } from '../lib/synthetic.ts';

const { values: args } = parseOptions(
  process.argv.slice(2),
  { n: { type: 'string', default: '100000' }, 'data-dir': { type: 'string' } },
  "usage: node --import tsx scripts/bench/experiments/hydrate-split.ts [--n 100000] [--data-dir <the query section's index>=.bench/query-index-<n>]",
);
const n = intOption(args.n, 'n', 100_000);
const store = PaperStore.open({ dataDir: args['data-dir'] ?? path.join(BENCH_DIR, `query-index-${n}`), hnsw: DEFAULT_HNSW });
const data = clusteredDataset(HNSW_DIR, n);
const queries = distinctQueries(400).slice(300);
const byLabels: number[] = [];
const highlights: number[] = [];
queries.forEach((query, i) => {
  const labels = store.nearest(row(data.queries, i, data.dims), 10).map(([label]) => label);
  let t = performance.now();
  const papers = store.papersByLabels(labels);
  byLabels.push(performance.now() - t);
  t = performance.now();
  store.highlights(new KeywordSearch(store).words(query), papers);
  highlights.push(performance.now() - t);
});
for (const [name, samples] of [
  ['papersByLabels (json_each IN)', byLabels],
  ['highlights (the page in a temp FTS5 table)', highlights],
] as const) {
  const s = summary(samples);
  console.log(`${name}: mean ${fixed(s.mean, 2)} ms, p50 ${fixed(s.p50, 2)}, p99 ${fixed(s.p99, 2)}`);
}
store.close();
