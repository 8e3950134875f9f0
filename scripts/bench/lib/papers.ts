// A synthetic paper index for the query benchmarks: N papers whose titles and abstracts are drawn
// from SciFact's word distribution (so keyword search has real work), with clustered synthetic
// vectors (so HNSW has realistic structure), written straight through the store API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HNSW } from '../../../src/defaults.ts';
import { paperHashes } from '../../../src/ingest/paper-text.ts';
import type { PaperRecord } from '../../../src/sources/record.ts';
import { PaperStore, type IndexSpec } from '../../../src/store/paper-store.ts';
import type { HnswParams } from '../../../src/store/vector-index.ts';
import { log, now } from './report.ts';
import { prng, row, type Dataset } from './synthetic.ts';

export const SCIFACT_DIR = path.resolve(process.env.PAPERSEEK_SCIFACT_DIR ?? '../shared/beir/scifact');

/** The spec the server gets from PAPERSEEK_MODEL_DIR=.models PAPERSEEK_MODEL=minilm PAPERSEEK_DTYPE=q8. */
export const MINILM_SPEC: IndexSpec = { model: 'minilm', dtype: 'q8', pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '', dims: 384 };

function corpusWords(): string[] {
  const text = readFileSync(path.join(SCIFACT_DIR, 'corpus.jsonl'), 'utf8')
    .split('\n')
    .slice(0, 3000)
    .filter(Boolean)
    .map((line) => {
      const r = JSON.parse(line) as { title?: string; text?: string; abstract?: string };
      return `${r.title ?? ''} ${r.abstract ?? r.text ?? ''}`;
    })
    .join(' ');
  return text.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z-]{1,}$/.test(w));
}

/** SciFact claims, made distinct: round r > 0 appends a corpus word, so no two queries repeat. */
export function distinctQueries(count: number, seed = 7): string[] {
  const claims = readFileSync(path.join(SCIFACT_DIR, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { query?: string; text?: string }).query ?? (JSON.parse(line) as { text: string }).text);
  const words = corpusWords();
  const random = prng(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const claim = claims[i % claims.length]!;
    const text = i < claims.length ? claim : `${claim} ${words[Math.floor(random() * words.length)]!.toLowerCase()}`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

export function syntheticRecords(count: number, seed = 11): PaperRecord[] {
  const words = corpusWords();
  const random = prng(seed);
  const pick = () => words[Math.floor(random() * words.length)]!;
  const sentence = (length: number) => Array.from({ length }, pick).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    id: `syn-${String(i).padStart(7, '0')}`,
    title: sentence(8 + Math.floor(random() * 8)),
    abstract: `${sentence(120 + Math.floor(random() * 120))}.`,
    authors: null,
    authors_count: 1 + Math.floor(random() * 10),
    published: `20${String(10 + Math.floor(random() * 15))}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
    updated: null,
    categories: null,
    doi: null,
    upvotes: Math.floor(random() * 100),
    url: null,
    github_url: null,
    project_url: null,
    extra: {},
  }));
}

/** Builds (once) a store of `data.count` synthetic papers with `data`'s vectors in `dataDir`. */
export function syntheticIndex(dataDir: string, data: Dataset, hnsw: HnswParams = DEFAULT_HNSW): void {
  const store = PaperStore.open({ dataDir, hnsw, log });
  if (store.count() >= data.count) {
    store.close();
    return;
  }
  log(`building a ${data.count}-paper index in ${dataDir} (synthetic metadata + clustered vectors, through PaperStore)`);
  store.bind(MINILM_SPEC);
  const records = syntheticRecords(data.count);
  const started = now();
  const chunk = 1000;
  for (let start = 0; start < records.length; start += chunk) {
    store.write(
      records.slice(start, start + chunk).map((record, j) => ({ record, hashes: paperHashes(record), vector: row(data.base, start + j, data.dims) })),
    );
    if ((start / chunk) % 10 === 9) log(`  ${start + chunk}/${records.length} papers (${((now() - started) / 1000).toFixed(0)} s)`);
  }
  store.save();
  store.close();
  log(`  index built in ${((now() - started) / 1000).toFixed(0)} s`);
}
