// Section `orama`: paperseek's vector index (src/store/vector-index.ts, hnswlib-node) side by side
// with @orama/orama's vector search, same process, same 100k clustered 384-d vectors, same
// held-out queries: insert time, query latency/QPS and recall@10 against the exact top 10.
//
// Orama's vector search is an exact JS scan that keeps every document whose cosine similarity is
// at least `similarity` (default 0.8) and then sorts them; it is run with the default threshold and
// with 0 (which keeps every vector with a positive cosine, i.e. effectively exact).
//
//   npm run bench -- hnsw --sizes 100000          # builds the shared vectors, ground truth and index
//   npm run bench -- orama --n 100000 --queries 200
import { create, insertMultiple, search, type AnyOrama } from '@orama/orama';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { VectorIndex } from '../../src/store/vector-index.ts';
import { buildIndex, groundTruth, HNSW_DIR, indexFile } from './hnsw.ts';
import { fixed, intList, log, now, publish, rssMb, summary, table, type Args } from './lib/report.ts';
import { clusteredDataset, row } from './lib/synthetic.ts';

const K = 10;

export async function runOrama(args: Args): Promise<void> {
  const n = Number(args.n ?? 100_000);
  const queryCount = Number(args.queries ?? 200);
  const M = Number(args.M ?? DEFAULT_HNSW.M);
  const efc = Number(args.efc ?? DEFAULT_HNSW.efConstruction);
  const efs = intList(args.efs, [16, 32, 64]);
  const thresholds = (args.similarity ?? '0.8,0').split(',').map(Number);
  const data = clusteredDataset(HNSW_DIR, n);
  const truth = groundTruth(data).labels;
  buildIndex(data, M, efc);
  const queries = Array.from({ length: queryCount }, (_, q) => row(data.queries, q, data.dims));
  const expected = (q: number) => new Set(truth.subarray(q * K, (q + 1) * K));

  // Orama: vectors only (id + embedding), as the peer's own docs show for vector search.
  log(`orama: inserting ${n} documents`);
  let rss = rssMb();
  let t = now();
  const db: AnyOrama = create({ schema: { label: 'number', embedding: `vector[${data.dims}]` } as const });
  const docs = Array.from({ length: n }, (_, i) => ({ id: String(i), label: i, embedding: Array.from(row(data.base, i, data.dims)) }));
  await insertMultiple(db, docs, 1000);
  const oramaInsertSeconds = (now() - t) / 1000;
  const oramaRssMb = rssMb() - rss;
  docs.length = 0;

  rss = rssMb();
  t = now();
  const index = VectorIndex.load(indexFile(n, M, efc), data.dims, 10);
  const hnswLoadSeconds = (now() - t) / 1000;
  const hnswRssMb = rssMb() - rss;

  type Row = { engine: string; setting: string; recall: number; qps: number; p50: number; p99: number };
  const measurePaperseek = (ef: number): Row => {
    let hits = 0;
    const times: number[] = [];
    for (let q = 0; q < queries.length; q++) {
      const t0 = now();
      const found = index.search(queries[q]!, K, undefined, ef);
      times.push(now() - t0);
      const want = expected(q);
      hits += found.filter(([label]) => want.has(label)).length;
    }
    const s = summary(times);
    return { engine: 'paperseek (hnswlib-node HNSW)', setting: `ef=${ef}`, recall: hits / (queries.length * K), qps: 1000 / s.mean, p50: s.p50, p99: s.p99 };
  };
  const measureOrama = async (similarity: number): Promise<Row> => {
    let hits = 0;
    const times: number[] = [];
    for (let q = 0; q < queries.length; q++) {
      const t0 = now();
      const result = await search(db, {
        mode: 'vector',
        vector: { value: Array.from(queries[q]!), property: 'embedding' },
        similarity,
        limit: K,
        includeVectors: false,
      });
      times.push(now() - t0);
      const want = expected(q);
      hits += result.hits.filter((hit) => want.has((hit.document as unknown as { label: number }).label)).length;
    }
    const s = summary(times);
    return {
      engine: '@orama/orama (exact JS scan)',
      setting: `similarity≥${similarity}`,
      recall: hits / (queries.length * K),
      qps: 1000 / s.mean,
      p50: s.p50,
      p99: s.p99,
    };
  };

  // Warm-up both, then alternate engines so noise hits both alike.
  for (let q = 0; q < 50; q++) index.search(queries[q % queries.length]!, K, undefined, 64);
  await measureOrama(thresholds[0]!);
  const rows: Row[] = [];
  for (let i = 0; i < Math.max(efs.length, thresholds.length); i++) {
    if (i < thresholds.length) {
      const r = await measureOrama(thresholds[i]!);
      log(`  orama ${r.setting}: recall ${fixed(r.recall, 4)}, ${fixed(r.qps, 1)} q/s`);
      rows.push(r);
    }
    if (i < efs.length) {
      const r = measurePaperseek(efs[i]!);
      log(`  paperseek ${r.setting}: recall ${fixed(r.recall, 4)}, ${fixed(r.qps, 0)} q/s`);
      rows.push(r);
    }
  }
  rows.sort((a, b) => a.engine.localeCompare(b.engine));
  const oramaRows = rows.filter((r) => r.engine.startsWith('@orama'));
  const bestOrama = oramaRows.reduce((a, b) => (b.recall > a.recall ? b : a));
  const md = [
    `### ${n.toLocaleString('en-US')} vectors (384-d, clustered), ${queryCount} held-out queries, k=${K}, one thread, same process`,
    '',
    table(
      ['engine', 'setting', 'recall@10', 'queries/s', 'p50 ms', 'p99 ms', `speed × Orama (${bestOrama.setting})`],
      rows.map((r) => [r.engine, r.setting, fixed(r.recall, 4), fixed(r.qps, 1), fixed(r.p50, 3), fixed(r.p99, 3), fixed(r.qps / bestOrama.qps, 0)]),
    ),
    '',
    table(
      ['', 'paperseek', '@orama/orama'],
      [
        [
          'index ready',
          `${fixed(hnswLoadSeconds, 2)} s load of the saved HNSW file (built once: see hnsw section)`,
          `${fixed(oramaInsertSeconds, 1)} s insertMultiple`,
        ],
        ['RSS growth', `${fixed(hnswRssMb, 0)} MB`, `${fixed(oramaRssMb, 0)} MB`],
      ],
    ),
  ].join('\n');
  publish('orama', md, { n, queryCount, rows, oramaInsertSeconds, oramaRssMb, hnswLoadSeconds, hnswRssMb });
}
