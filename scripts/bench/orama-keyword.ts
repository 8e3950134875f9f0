// Section `orama-keyword`: paperseek's keyword search (src/search/keyword-search.ts: BM25F over
// FTS5's postings with MaxScore pruning) side by side with @orama/orama's full-text BM25 search,
// same process, same queries (the 300 SciFact test claims):
//   1. speed on the 100,000-paper arXiv-snapshot-shaped file (title + abstract; paperseek opens the
//      index already built from that file, Orama inserts the same papers): index ready time, RSS
//      growth, latency of a first (cold) pass over the claims and of a second, measured pass in
//      which the two engines alternate query by query;
//   2. quality on SciFact (5,183 abstracts): nDCG@10 and recall@10 against qrels-test.tsv.
//
// Orama is set up for its best quality as documented: its built-in English (Porter) stemmer
// (`components.tokenizer.stemming: true`) and an English stop-word list, the same NLTK list
// paperseek drops from queries (`@orama/stopwords` is not installed; Orama ships no list of its
// own), title boosted 2× at query time (paperseek's title weight), its default BM25 parameters
// (k 1.2, b 0.75, d 0.5) and defaults otherwise (threshold 1: any matching word; exact false:
// each query word also matches the indexed words it is a prefix of). Orama's out-of-the-box
// tokenizer (no stemming, no stop words) and the stemmed setup without the title boost are scored
// on SciFact as well.
//
//   npm run bench -- orama-keyword                   # 100k speed + SciFact quality
//   npm run bench -- orama-keyword --n 20000         # a quick run on the first 20k papers
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { create, insertMultiple, search, type AnyOrama } from '@orama/orama';
import { DEFAULT_HNSW } from '../../src/defaults.ts';
import { meanMetrics, scoreRanking, type Metrics } from '../../src/eval/metrics.ts';
import { hydrate, singleSide } from '../../src/search/hydrate.ts';
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import { stopwords } from '../../src/search/query-analysis.ts';
import { PaperStore, type PaperReader } from '../../src/store/paper-store.ts';
import { BENCH_DIR, fixed, log, now, publish, rssMb, summary, table, type Args } from './lib/report.ts';

const K = 10;
const TITLE_BOOST = 2;
const HNSW = DEFAULT_HNSW;
const BEIR = path.resolve(process.env.PAPERSEEK_SCIFACT_DIR ?? '../shared/beir/scifact');

interface Doc {
  id: string;
  title: string;
  abstract: string;
}

interface OramaSetup {
  name: string;
  tokenizer: Record<string, unknown>;
}

const ORAMA_BEST: OramaSetup = {
  name: 'English stemmer + NLTK stop words',
  tokenizer: { language: 'english', stemming: true, stopWords: [...stopwords('english')] },
};
const ORAMA_DEFAULT: OramaSetup = { name: 'out of the box (no stemming, no stop words)', tokenizer: {} };

async function readJsonLines<T>(file: string, limit: number, pick: (record: Record<string, unknown>) => T): Promise<T[]> {
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    out.push(pick(JSON.parse(line) as Record<string, unknown>));
    if (out.length >= limit) break;
  }
  lines.close();
  return out;
}

/** The paperseek index at `dir`, or one built from `source` by the real CLI (keyword-only, no model). */
function ensureIndex(dir: string, source: string, name: string): string {
  if (existsSync(path.join(dir, 'papers.db'))) return dir;
  const built = path.join(BENCH_DIR, 'orama-keyword', name);
  if (existsSync(path.join(built, 'papers.db'))) return built;
  mkdirSync(built, { recursive: true });
  log(`no index at ${dir}: ingesting ${source} into ${built} (no model)`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ingest', source], {
    env: { ...process.env, PAPERSEEK_DATA_DIR: built, PAPERSEEK_MODEL_DIR: '/nonexistent', PAPERSEEK_MODEL: 'none' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`paperseek ingest of ${source} failed (exit ${child.status})`);
  return built;
}

async function oramaIndex(docs: readonly Doc[], setup: OramaSetup): Promise<AnyOrama> {
  const db: AnyOrama = create({ schema: { title: 'string', abstract: 'string' } as const, components: { tokenizer: setup.tokenizer } });
  await insertMultiple(db, docs as Doc[], 1000);
  return db;
}

async function oramaSearch(db: AnyOrama, query: string, titleBoost = TITLE_BOOST): Promise<string[]> {
  const result = await search(db, { term: query, properties: ['title', 'abstract'], boost: { title: titleBoost }, limit: K });
  return result.hits.map((hit) => hit.id);
}

function paperseekIds(store: PaperReader, labels: readonly number[]): string[] {
  const papers = store.papersByLabels(labels);
  return labels.map((label) => papers.get(label)?.id ?? `label:${label}`);
}

interface Claim {
  qid: string;
  query: string;
}

function qrels(file: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [qid, doc, grade] = line.trim().split('\t');
    if (!qid || !doc) continue;
    if (!out.has(qid)) out.set(qid, {});
    out.get(qid)![doc] = Number(grade);
  }
  return out;
}

type Latency = ReturnType<typeof summary>;
const ms = (s: Latency) => [fixed(s.mean, 2), fixed(s.p50, 2), fixed(s.p99, 2)];

export async function runOramaKeyword(args: Args): Promise<void> {
  const n = Number(args.n ?? 100_000);
  const file = path.resolve(args.file ?? path.join(BENCH_DIR, 'scale', 'arxiv-snapshot-100000.json'));
  const dataDir = path.resolve(args['data-dir'] ?? path.join(BENCH_DIR, `orama-keyword-${n}`));
  const scifactDir = path.resolve(args['scifact-dir'] ?? path.join(BENCH_DIR, 'orama-keyword-scifact'));
  const corpusFile = path.join(BEIR, 'corpus.jsonl');
  const claims = await readJsonLines<Claim>(path.join(BEIR, 'queries.jsonl'), Infinity, (r) => ({ qid: String(r.qid), query: String(r.query) }));
  const judged = qrels(path.join(BEIR, 'qrels-test.tsv'));
  const queries = claims.map((c) => c.query);
  log(`${claims.length} claims, ${judged.size} with qrels`);

  // ---- 2. Quality on SciFact (small; first, so its memory is gone before the 100k part) ----
  type QualityRow = { engine: string; setting: string; ndcg: number; recall: number; mrr: number };
  const quality: QualityRow[] = [];
  {
    const corpus = await readJsonLines<Doc>(corpusFile, Infinity, (r) => ({
      id: String(r._id ?? r.id),
      title: String(r.title ?? ''),
      abstract: String(r.text ?? r.abstract ?? ''),
    }));
    const evaluate = (rankings: Map<string, string[]>): Metrics =>
      meanMetrics(claims.filter((c) => judged.has(c.qid)).map((c) => scoreRanking(rankings.get(c.qid) ?? [], judged.get(c.qid)!, K)));
    const store = PaperStore.open({ dataDir: ensureIndex(scifactDir, corpusFile, 'scifact'), hnsw: HNSW, role: 'reader' });
    const keyword = new KeywordSearch(store);
    const ours = new Map(
      claims.map((c) => [
        c.qid,
        paperseekIds(
          store,
          keyword.search(c.query, undefined, K).hits.map(([label]) => label),
        ),
      ]),
    );
    store.close();
    const m = evaluate(ours);
    quality.push({ engine: 'paperseek keyword', setting: 'defaults (BM25F k1 1.2, b 0.75, title 2, NLTK stop words, Porter)', ...m });
    log(`  paperseek: nDCG@10 ${fixed(m.ndcg, 4)}, recall@10 ${fixed(m.recall, 4)}`);
    // The title boost of the speed runs (2, paperseek's title weight), and 1 (no boost) for the stemmed setup.
    for (const [setup, boosts] of [
      [ORAMA_BEST, [TITLE_BOOST, 1]],
      [ORAMA_DEFAULT, [TITLE_BOOST]],
    ] as const) {
      const db = await oramaIndex(corpus, setup);
      for (const boost of boosts) {
        const theirs = new Map<string, string[]>();
        for (const c of claims) theirs.set(c.qid, await oramaSearch(db, c.query, boost));
        const mo = evaluate(theirs);
        quality.push({ engine: '@orama/orama', setting: `${setup.name}, title boost ${boost}`, ...mo });
        log(`  orama (${setup.name}, title boost ${boost}): nDCG@10 ${fixed(mo.ndcg, 4)}, recall@10 ${fixed(mo.recall, 4)}`);
      }
    }
  }

  // ---- 1. Speed on n papers ----
  let rss = rssMb();
  let t = now();
  const store = PaperStore.open({ dataDir: ensureIndex(dataDir, file, String(n)), hnsw: HNSW, role: 'reader' });
  const keyword = new KeywordSearch(store);
  const openSeconds = (now() - t) / 1000;
  const openRssMb = rssMb() - rss;

  log(`orama: reading and inserting ${n} papers from ${path.basename(file)}`);
  rss = rssMb();
  t = now();
  let docs = await readJsonLines<Doc>(file, n, (r) => ({ id: String(r.id), title: String(r.title ?? ''), abstract: String(r.abstract ?? '') }));
  const readSeconds = (now() - t) / 1000;
  t = now();
  const db = await oramaIndex(docs, ORAMA_BEST);
  const insertSeconds = (now() - t) / 1000;
  const oramaRssMb = rssMb() - rss;
  if (docs.length !== n) log(`  only ${docs.length} papers in the file`);
  const docCount = docs.length;
  docs = [];
  log(`  ${fixed(insertSeconds, 1)} s insertMultiple (+${fixed(readSeconds, 1)} s reading), RSS +${fixed(oramaRssMb, 0)} MB`);

  const timePaperseek = (query: string): number => {
    const t0 = now();
    keyword.search(query, undefined, K);
    return now() - t0;
  };
  const timeHydrated = (query: string): number => {
    const t0 = now();
    const result = keyword.search(query, undefined, K);
    hydrate(store, singleSide(result.hits, 'keyword'), 'keyword', result.words);
    return now() - t0;
  };
  const timeOrama = async (query: string): Promise<number> => {
    const t0 = now();
    await oramaSearch(db, query);
    return now() - t0;
  };

  // Pass 1: cold (paperseek reads postings from SQLite into its cache; Orama's code is not yet JIT-compiled).
  rss = rssMb();
  const first = { paperseek: [] as number[], orama: [] as number[] };
  for (const q of queries) first.paperseek.push(timePaperseek(q));
  const afterPassRssMb = rssMb() - rss + openRssMb;
  for (const q of queries) first.orama.push(await timeOrama(q));
  // Pass 2: measured, the engines alternating query by query so machine noise hits both alike.
  const second = { paperseek: [] as number[], hydrated: [] as number[], orama: [] as number[] };
  for (const q of queries) {
    second.paperseek.push(timePaperseek(q));
    second.orama.push(await timeOrama(q));
    second.hydrated.push(timeHydrated(q));
  }
  store.close();
  const s1 = { paperseek: summary(first.paperseek), orama: summary(first.orama) };
  const s2 = { paperseek: summary(second.paperseek), hydrated: summary(second.hydrated), orama: summary(second.orama) };
  log(`  pass 2 mean: paperseek ${fixed(s2.paperseek.mean, 2)} ms, orama ${fixed(s2.orama.mean, 2)} ms`);

  const ratio = (a: Latency, b: Latency) => `${fixed(b.mean / a.mean, 0)}× / ${fixed(b.p50 / a.p50, 0)}× / ${fixed(b.p99 / a.p99, 0)}×`;
  const size = docCount.toLocaleString('en-US');
  const md = [
    `### Speed: ${size} papers (title + abstract), ${queries.length} SciFact claims, top ${K}, one thread, same process`,
    '',
    table(
      ['engine', 'pass', 'mean ms', 'p50 ms', 'p99 ms', 'Orama ÷ paperseek (mean / p50 / p99)'],
      [
        ['paperseek keyword (ranking only)', '2nd (measured)', ...ms(s2.paperseek), ratio(s2.paperseek, s2.orama)],
        ['paperseek keyword + hydrate (page of papers + highlights)', '2nd (measured)', ...ms(s2.hydrated), ratio(s2.hydrated, s2.orama)],
        [`@orama/orama (${ORAMA_BEST.name})`, '2nd (measured)', ...ms(s2.orama), ''],
        ['paperseek keyword (ranking only)', '1st (cold cache)', ...ms(s1.paperseek), ratio(s1.paperseek, s1.orama)],
        ['@orama/orama', '1st (cold JIT)', ...ms(s1.orama), ''],
      ],
    ),
    '',
    table(
      ['', 'paperseek', '@orama/orama'],
      [
        [
          'index ready',
          `${fixed(openSeconds, 3)} s open of the SQLite index (built once by \`paperseek ingest\`)`,
          `${fixed(insertSeconds, 1)} s insertMultiple (+ ${fixed(readSeconds, 1)} s reading the file)`,
        ],
        [
          'RSS growth',
          `${fixed(openRssMb, 0)} MB at open, ${fixed(afterPassRssMb, 0)} MB after the first pass (postings cache)`,
          `${fixed(oramaRssMb, 0)} MB (documents + index, all in the JS heap)`,
        ],
      ],
    ),
    '',
    `### Quality: SciFact (5,183 abstracts, ${claims.filter((c) => judged.has(c.qid)).length} test claims)`,
    '',
    table(
      ['engine', 'setting', 'nDCG@10', 'recall@10', 'MRR@10'],
      quality.map((r) => [r.engine, r.setting, fixed(r.ndcg, 4), fixed(r.recall, 4), fixed(r.mrr, 4)]),
    ),
  ].join('\n');
  publish('orama-keyword', md, {
    n: docCount,
    queries: queries.length,
    first: s1,
    second: s2,
    openSeconds,
    openRssMb,
    afterPassRssMb,
    insertSeconds,
    readSeconds,
    oramaRssMb,
    quality,
  });
}
