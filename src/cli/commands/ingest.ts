// `paperseek ingest <files…>`: read sources, report bad records, embed and store the rest,
// and end with a summary (read / added / updated / unchanged / skipped).
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import type { Embedder } from '../../embed/embedder.ts';
import { ingestRecords, type IngestCounts } from '../../ingest/ingest.ts';
import { readSources } from '../../sources/index.ts';
import type { ReadOptions } from '../../sources/record.ts';
import type { PaperStore } from '../../store/paper-store.ts';
import { integerIn } from '../options.ts';
import { createProgress } from '../progress.ts';
import { loadModel, openStore } from '../runtime.ts';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('add or update papers from HF Daily Papers page dumps (.txt), JSON Lines (.jsonl) or JSON arrays (.json)')
    .argument('<files...>', 'input files')
    .option('--captured-year <year>', 'year a .txt page was captured; dates without a year get it (default: this year)', integerIn(1900, 2100))
    .action(async (files: string[], options: { capturedYear?: number }) => {
      const config = loadConfig(process.env);
      const model = await loadModel(config);
      if (model.error) console.error(`warning: ${model.error.message}`);
      const store = openStore(config);
      try {
        await ingestFiles(files, { capturedYear: options.capturedYear }, store, model.embedder);
      } finally {
        store.close();
        await model.embedder?.dispose();
      }
    });
}

export interface IngestSummary extends IngestCounts {
  read: number;
  skipped: number;
}

export async function ingestFiles(
  files: readonly string[],
  options: ReadOptions,
  store: PaperStore,
  embedder: Embedder | undefined,
  log: (line: string) => void = (line) => console.error(line),
): Promise<IngestSummary> {
  const { records, problems, notes } = await readSources([...files], options);
  for (const problem of problems) log(`skipped ${problem.file}:${problem.line} ${problem.field}: ${problem.reason}`);
  for (const note of notes) log(`note: ${note}`);
  const progress = createProgress('embedding');
  if (!embedder) log('no embedding model: storing papers for keyword search, vectors pending until an ingest with the model');
  const counts = await ingestRecords(records, store, embedder, {
    onProgress: ({ done, total }) => total > 0 && progress.update(done, total),
  });
  progress.finish();
  const summary = { read: records.length + problems.length, ...counts, skipped: problems.length };
  log(formatSummary(summary));
  return summary;
}

export const formatSummary = (s: IngestSummary): string =>
  `ingest done: read ${s.read}, added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, skipped ${s.skipped}` +
  ` (embedded ${s.embedded}, vectors pending ${s.pending})`;
