// Section `query`: the HTTP query path on a 100k-paper index. The server is the real CLI
// (`src/cli/main.ts serve`) in its own process with the generated minilm model (q8) and the
// query-embedding cache off; every request carries a distinct query, so no cache could help.
//   1. autocannon, 1 and 32 connections, for mode=semantic, keyword, hybrid (a mode the server
//      does not know is reported as "not available");
//   2. the split of one semantic query (embed / HNSW / SQLite hydration / HTTP) measured in this
//      process on the same index, after the server is stopped.
//
//   npm run bench -- query --n 100000 --duration 15
import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder.ts';
import { hydrate, singleSide } from '../../src/search/hydrate.ts';
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import { DEFAULT_SEARCH_OPTIONS, SearchService } from '../../src/search/search-service.ts';
import { bindModel } from '../../src/app/runtime.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import { BENCH_DIR, fixed, intList, log, now, publish, summary, table, type Args } from './lib/report.ts';
import { distinctQueries, MINILM_SPEC, syntheticIndex } from './lib/papers.ts';
import { clusteredDataset } from './lib/synthetic.ts';
import { HNSW_DIR } from './hnsw.ts';
import { available, BENCH_SERVER, load, sequential, startServer, stop, type LoadResult } from './lib/server.ts';

const MODES = ['semantic', 'keyword', 'hybrid'] as const;

/** One semantic query's steps, in process, on the same index: embed / HNSW / SQLite / whole service. */
async function split(dataDir: string, queries: readonly string[], k: number) {
  const store = PaperStore.open({ dataDir, hnsw: DEFAULT_HNSW });
  const embedder = await TransformersEmbedder.create({
    ...MINILM_SPEC,
    modelDir: path.resolve('.models'),
    batchSize: 16,
    threads: undefined,
  });
  bindModel(store, embedder);
  const service = new SearchService(store, { embedder }, { ...DEFAULT_SEARCH_OPTIONS, queryCacheSize: 0 });
  const keyword = new KeywordSearch(store);
  const steps = {
    embed: [] as number[],
    hnsw: [] as number[],
    sqlite: [] as number[],
    count: [] as number[],
    service: [] as number[],
    keyword: [] as number[],
  };
  for (const query of queries.slice(0, 30)) await embedder.embed([query], 'query');
  for (const query of queries) {
    let t = now();
    const [vector] = await embedder.embed([query], 'query');
    steps.embed.push(now() - t);
    t = now();
    const neighbours = store.nearest(vector!, k);
    steps.hnsw.push(now() - t);
    t = now();
    hydrate(store, singleSide(neighbours, 'semantic'), 'semantic', keyword.words(query));
    steps.sqlite.push(now() - t);
    t = now();
    store.countWithVectors();
    steps.count.push(now() - t);
    t = now();
    keyword.search(query, undefined, k);
    steps.keyword.push(now() - t);
  }
  for (const query of queries) {
    const t = now();
    await service.search({ query: `${query} again`, mode: 'semantic', k, offset: 0 });
    steps.service.push(now() - t);
  }
  store.close();
  await embedder.dispose();
  return Object.fromEntries(Object.entries(steps).map(([name, samples]) => [name, summary(samples)]));
}

export async function runQuery(args: Args): Promise<void> {
  const n = Number(args.n ?? 100_000);
  const duration = Number(args.duration ?? 15);
  const k = Number(args.k ?? 10);
  const connectionList = intList(args.connections, [1, 32]);
  const port = Number(args.port ?? 3917);
  // --data-dir: measure a prepared copy of the index (e.g. with an extra SQLite index) instead.
  const dataDir = args['data-dir'] ? path.resolve(args['data-dir']) : path.join(BENCH_DIR, `query-index-${n}`);
  if (!args['data-dir']) syntheticIndex(dataDir, clusteredDataset(HNSW_DIR, n));
  if (args['prepare-only']) return;
  // Far more distinct queries than any run can send.
  const queries = distinctQueries(Number(args.queries ?? 60_000));
  let cursor = 0;
  const take = (count: number) => {
    const slice = queries.slice(cursor, cursor + count);
    cursor += count;
    return slice;
  };

  const server = await startServer(dataDir, port);
  const loads: LoadResult[] = [];
  const sequentialStats: Record<string, ReturnType<typeof summary>> = {};
  const unavailable: Record<string, string> = {};
  try {
    for (const mode of MODES.filter((m) => (args.modes ?? MODES.join(',')).split(',').includes(m))) {
      const ok = await available(port, mode, take(1)[0]!);
      if (ok !== true) {
        unavailable[mode] = ok;
        log(`mode ${mode}: not available (${ok})`);
        continue;
      }
      // Warm-up, then an exact-latency sequential pass, then autocannon at each concurrency.
      await sequential(port, mode, take(10), k);
      sequentialStats[mode] = await sequential(port, mode, take(Number(args.sequential ?? 100)), k);
      log(`mode ${mode} sequential: p50 ${fixed(sequentialStats[mode].p50, 2)} ms, p99 ${fixed(sequentialStats[mode].p99, 2)} ms`);
      for (const connections of connectionList) {
        const result = await load(port, mode, connections, duration, take(Math.min(40_000, queries.length - cursor)), k);
        cursor -= Math.max(0, 40_000 - result.requests); // only the queries actually sent are used up
        log(
          `mode ${mode} ×${connections}: ${fixed(result.rps, 0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
        );
        loads.push(result);
      }
    }
  } finally {
    await stop(server);
  }

  // A/B of embedder knobs that have no environment variable: same wiring as `serve`
  // (scripts/bench/query-server.ts), semantic mode, variants alternated round by round.
  const abVariants: [string, NodeJS.ProcessEnv][] =
    args['ab'] === 'false'
      ? []
      : [
          ['coalesce on, spinning on (embedder defaults)', { BENCH_COALESCE: '1', BENCH_SPINNING: '1' }],
          ['coalesce off, spinning on (before this change)', { BENCH_COALESCE: '0', BENCH_SPINNING: '1' }],
          ['coalesce on, spinning off', { BENCH_COALESCE: '1', BENCH_SPINNING: '0' }],
        ];
  const abDuration = Number(args['ab-duration'] ?? 10);
  const ab: { variant: string; connections: number; rps: number; p50: number; p99: number }[] = [];
  for (let round = 0; round < Number(args['ab-rounds'] ?? 2); round++) {
    for (const [variant, env] of abVariants) {
      const abServer = await startServer(dataDir, port, BENCH_SERVER, env);
      try {
        await sequential(port, 'semantic', take(10), k);
        for (const connections of connectionList) {
          const r = await load(port, 'semantic', connections, abDuration, take(Math.min(40_000, queries.length - cursor)), k);
          cursor -= Math.max(0, 40_000 - r.requests);
          log(`A/B ${variant} ×${connections}: ${fixed(r.rps, 0)} req/s, p99 ${r.latency.p99} ms`);
          const previous = ab.find((x) => x.variant === variant && x.connections === connections);
          if (!previous) ab.push({ variant, connections, rps: r.rps, p50: r.latency.p50!, p99: r.latency.p99! });
          else if (r.rps > previous.rps) Object.assign(previous, { rps: r.rps, p50: r.latency.p50!, p99: r.latency.p99! });
        }
      } finally {
        await stop(abServer);
      }
    }
  }

  log('split: in-process steps of a semantic query');
  const steps = await split(dataDir, take(Number(args['split-queries'] ?? 200)), k);
  const semantic = sequentialStats.semantic;
  const sections = [
    `### HTTP, ${n.toLocaleString('en-US')} papers, k=${k}, distinct queries, query cache off, minilm q8 (autocannon ${duration} s per row; server and autocannon share the 2 cores)\n\n` +
      table(
        ['mode', 'connections', 'req/s', 'p50 ms', 'p90 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'non-2xx'],
        [
          ...loads.map((r) => [
            r.mode,
            r.connections,
            fixed(r.rps, 0),
            r.latency.p50!,
            r.latency.p90!,
            r.latency.p97_5!,
            r.latency.p99!,
            r.latency.max!,
            r.non2xx,
          ]),
          ...Object.entries(unavailable).map(([mode, why]) => [mode, '–', `not available (${why})`, '', '', '', '', '', '']),
        ],
      ),
    `### Exact client-side latency, 1 connection, sequential requests (fetch, ${args.sequential ?? 100} distinct queries per mode)\n\n` +
      table(
        ['mode', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        Object.entries(sequentialStats).map(([mode, s]) => [mode, fixed(s.mean, 2), fixed(s.p50, 2), fixed(s.p95, 2), fixed(s.p99, 2), fixed(s.max, 2)]),
      ),
    `### Split of a semantic query (in process, same index, ${args['split-queries'] ?? 200} distinct queries)\n\n` +
      table(
        ['step', 'mean ms', 'p50 ms', 'p99 ms', 'share of HTTP mean'],
        [
          ...(['embed', 'hnsw', 'sqlite', 'count', 'service'] as const).map((name) => {
            const s = steps[name]!;
            const label = {
              embed: 'embed query (tokenizer + minilm q8 + pooling)',
              hnsw: `HNSW search (ef ${DEFAULT_HNSW.ef})`,
              sqlite: 'SQLite hydration + highlights (one page)',
              count: 'SQLite countWithVectors() for `total` (full scan)',
              service: 'whole SearchService.search (semantic)',
            }[name];
            return [label, fixed(s.mean, 3), fixed(s.p50, 3), fixed(s.p99, 3), semantic ? `${fixed((100 * s.mean) / semantic.mean, 1)} %` : ''];
          }),
          ...(semantic
            ? [
                [
                  'HTTP + routing + validation + JSON (HTTP mean − service mean)',
                  fixed(semantic.mean - steps.service!.mean, 3),
                  '',
                  '',
                  `${fixed((100 * (semantic.mean - steps.service!.mean)) / semantic.mean, 1)} %`,
                ],
              ]
            : []),
          [
            '(keyword side: BM25F top-k and total, for reference)',
            fixed(steps.keyword!.mean, 3),
            fixed(steps.keyword!.p50, 3),
            fixed(steps.keyword!.p99, 3),
            '',
          ],
        ],
      ),
  ];
  if (ab.length > 0) {
    const baseline = (connections: number) => ab.find((x) => x.connections === connections && x.variant.startsWith('coalesce off'))!;
    sections.push(
      `### Embedder knobs, semantic mode, ${abDuration} s per row, best of ${args['ab-rounds'] ?? 2} alternating rounds\n\n` +
        table(
          ['embedder', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'req/s × coalesce off'],
          ab.map((x) => [x.variant, x.connections, fixed(x.rps, 0), x.p50, x.p99, fixed(x.rps / baseline(x.connections).rps, 2)]),
        ),
    );
  }
  publish('query', sections.join('\n\n'), { n, k, duration, loads, sequentialStats, unavailable, steps, ab });
}
