// Batch size side by side in ONE process: one TransformersEmbedder per batch size (same model,
// threads and session options), taking turns on the same chunks of SciFact abstracts in rotating
// order, so machine noise falls on every size alike. Separate-process sweeps (ingest
// --sweep-batches) were too noisy on the shared machine to rank batch sizes.
// Reads .bench/ingest/scifact-<n>.jsonl, which `npm run bench -- ingest --n <n>` writes.
//   node --import tsx scripts/bench/experiments/batch-ab.ts [--n 400] [--sizes 4,8,16,32] [--dtype q8] [--threads <n>]
import path from 'node:path';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder.ts';
import { embeddingText } from '../../../src/ingest/paper-text.ts';
import { readSources } from '../../../src/sources/index.ts';
import { intOption, parseOptions } from '../lib/args.ts';
import { BENCH_DIR, fixed, intList, publish, table } from '../lib/report.ts';

const { values: args } = parseOptions(
  process.argv.slice(2),
  {
    n: { type: 'string', default: '400' },
    sizes: { type: 'string', default: '4,8,16,32' },
    dtype: { type: 'string', default: 'q8' },
    threads: { type: 'string' },
  },
  'usage: node --import tsx scripts/bench/experiments/batch-ab.ts [--n 400] [--sizes 4,8,16,32] [--dtype q8|fp32] [--threads <n>]',
);
const n = intOption(args.n, 'n', 400);
const sizes = intList(args.sizes, [4, 8, 16, 32]);
const dtype = args.dtype;
const threads = args.threads === undefined ? undefined : intOption(args.threads, 'threads', 0);
const { records } = await readSources([path.join(BENCH_DIR, 'ingest', `scifact-${n}.jsonl`)], {});
const texts = records.map(embeddingText);
const embedders = await Promise.all(
  sizes.map((batchSize) =>
    TransformersEmbedder.create({
      model: 'minilm',
      modelDir: path.resolve('.models'),
      dtype,
      pooling: 'mean',
      normalize: true,
      queryPrefix: '',
      passagePrefix: '',
      batchSize,
      threads,
    }),
  ),
);
for (const embedder of embedders) await embedder.embed(texts.slice(0, 8), 'passage');
const seconds = sizes.map(() => 0);
const chunk = 50;
for (let start = 0, turn = 0; start < texts.length; start += chunk, turn++) {
  const part = texts.slice(start, start + chunk);
  for (let i = 0; i < sizes.length; i++) {
    const which = (turn + i) % sizes.length;
    const t = performance.now();
    await embedders[which]!.embed(part, 'passage');
    seconds[which]! += (performance.now() - t) / 1000;
  }
}
const baseline = Math.max(0, sizes.indexOf(16));
publish(
  'batch-ab',
  `### Batch size, embedder only, ${dtype}, threads ${threads ?? 'onnxruntime default'}, ${n} SciFact abstracts, ${chunk}-text chunks in rotating order, one process\n\n` +
    table(
      ['batch', 'papers/s', `× batch ${sizes[baseline]}`],
      sizes.map((size, i) => [size, fixed(n / seconds[i]!, 1), fixed(seconds[baseline]! / seconds[i]!, 2)]),
    ),
  { n, sizes, dtype, threads, seconds },
);
