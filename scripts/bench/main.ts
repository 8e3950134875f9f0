// Benchmark entry point: `npm run bench -- <ingest|query|hnsw|orama|all|ingest-scale|hnsw-native> [--option value …]`.
// Results are printed as markdown and written to .bench/results/ (git-ignored). See BENCHMARKS.md.
import { log, parseArgs } from './lib/report.ts';

const SECTIONS = ['ingest', 'query', 'hnsw', 'orama'] as const;
// Side experiments, not part of `all`.
const EXTRA = ['hnsw-native', 'ingest-scale', 'index-verify', 'keyword-scale', 'orama-keyword'] as const;
type Section = (typeof SECTIONS)[number] | (typeof EXTRA)[number];

async function run(section: Section, args: ReturnType<typeof parseArgs>): Promise<void> {
  log(`section ${section}`);
  switch (section) {
    case 'ingest':
      return (await import('./ingest.ts')).runIngest(args);
    case 'query':
      return (await import('./query.ts')).runQuery(args);
    case 'hnsw':
      return (await import('./hnsw.ts')).runHnsw(args);
    case 'orama':
      return (await import('./orama.ts')).runOrama(args);
    case 'index-verify':
      return (await import('./index-verify.ts')).runIndexVerify(args);
    case 'ingest-scale':
      return (await import('./ingest-scale.ts')).runIngestScale(args);
    case 'keyword-scale':
      return (await import('./keyword-scale.ts')).runKeywordScale(args);
    case 'hnsw-native':
      return (await import('./hnsw-native.ts')).runHnswNative(args);
    case 'orama-keyword':
      return (await import('./orama-keyword.ts')).runOramaKeyword(args);
  }
}

const [section = 'all', ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
if (section === 'all') {
  for (const each of SECTIONS) await run(each, args);
} else if ([...SECTIONS, ...EXTRA].includes(section as Section)) {
  await run(section as Section, args);
} else {
  console.error(`unknown section "${section}"; use one of ${[...SECTIONS, ...EXTRA].join(', ')}, all`);
  process.exit(2);
}
