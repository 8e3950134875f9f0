// Benchmark entry point: `npm run bench -- <ingest|query|hnsw|orama|all|ingest-scale|hnsw-native|…> [--option value …]`.
// Results are printed as markdown and written to .bench/results/ (git-ignored). See BENCHMARKS.md.
// Each section declares its options here (parsed by ./lib/args.ts); each file's header comment
// says what they do. `npm run bench -- <section> --help` lists them.
import { parseOptions } from './lib/args.ts';
import { type Args, log } from './lib/report.ts';

/** Options taking a value (`--n 2000`), then flags (`--separate`), per section. */
const OPTIONS = {
  ingest: [
    ['n', 'dtypes', 'batch', 'threads', 'rounds', 'chunk', 'variants', 'spinning', 'model', 'model-dir', 'M', 'efc', 'sweep-batches', 'sweep-threads'],
    ['paired', 'separate'],
  ],
  query: [
    ['n', 'duration', 'connections', 'k', 'modes', 'port', 'queries', 'sequential', 'ab', 'ab-duration', 'ab-rounds', 'data-dir', 'split-queries'],
    ['prepare-only'],
  ],
  hnsw: [['sizes', 'M', 'efc', 'efs', 'js-queries'], ['native']],
  orama: [['n', 'queries', 'M', 'efc', 'efs', 'similarity'], []],
  'hnsw-native': [['n', 'M', 'efc', 'ef'], []],
  'ingest-scale': [['sizes', 'model', 'model-dir'], []],
  'index-verify': [['n', 'rounds'], []],
  'keyword-scale': [['sizes', 'workers', 'connections', 'duration', 'efc', 'modes', 'port'], ['prepare-only']],
  'orama-keyword': [['n', 'file', 'data-dir', 'scifact-dir'], []],
  'keyword-filters': [['size', 'data-dir'], []],
} as const satisfies Record<string, readonly [readonly string[], readonly string[]]>;

const SECTIONS = ['ingest', 'query', 'hnsw', 'orama'] as const;
// Side experiments, not part of `all`.
const EXTRA = ['hnsw-native', 'ingest-scale', 'index-verify', 'keyword-scale', 'keyword-filters', 'orama-keyword'] as const;
type Section = keyof typeof OPTIONS;

const USAGE = `usage: npm run bench -- <section> [--option value …]
  sections: ${SECTIONS.join(', ')}, all (those four with their defaults); side experiments: ${EXTRA.join(', ')}
  npm run bench -- <section> --help lists a section's options; BENCHMARKS.md has the commands behind every result`;

function usage(section: Section): string {
  const [valued, flags] = OPTIONS[section];
  return `usage: npm run bench -- ${section} ${[...valued.map((name) => `[--${name} <value>]`), ...flags.map((name) => `[--${name}]`)].join(' ')}\n  (see the header comment of scripts/bench/${section}.ts)`;
}

/** The section's options as the sections read them: strings, a flag as 'true'. */
function sectionArgs(section: Section, argv: readonly string[]): Args {
  const [valued, flags] = OPTIONS[section];
  const spec = Object.fromEntries([...valued.map((name) => [name, { type: 'string' as const }]), ...flags.map((name) => [name, { type: 'boolean' as const }])]);
  const { values } = parseOptions(argv, spec, usage(section));
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === true ? 'true' : (value as string | undefined)]));
}

async function run(section: Section, args: Args): Promise<void> {
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
    case 'keyword-filters':
      return (await import('./keyword-filters.ts')).runKeywordFilters(args);
  }
}

const [section = 'all', ...rest] = process.argv.slice(2);
if (section === '--help' || section === '-h') {
  console.log(USAGE);
} else if (section === 'all') {
  // Every section with its defaults: no options.
  parseOptions(rest, {}, USAGE);
  for (const each of SECTIONS) await run(each, {});
} else if (section in OPTIONS) {
  await run(section as Section, sectionArgs(section as Section, rest));
} else {
  console.error(`error: unknown section "${section}"\n${USAGE}`);
  process.exit(2);
}
