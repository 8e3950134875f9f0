// `paperseek ingest <files…>`: read sources, report bad records, embed and store the rest,
// and end with a summary (read / added / updated / unchanged / skipped).
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import type { Embedder } from '../../embed/embedder.ts';
import { ingestRecords, type IngestCounts } from '../../ingest/ingest.ts';
import { readSources } from '../../sources/index.ts';
import type { ReadOptions } from '../../sources/record.ts';
import type { PaperStore } from '../../store/paper-store.ts';
import { AppError } from '../../errors.ts';
import { integerIn, UsageError } from '../options.ts';
import { createProgress } from '../progress.ts';
import { loadModel, openStore } from '../runtime.ts';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('add, update or delete papers; files are HF Daily Papers page dumps (.txt), JSON Lines (.jsonl) or JSON arrays (.json)')
    .argument('[files...]', 'input files')
    .option('--captured-year <year>', 'year a .txt page was captured; dates without a year get it (default: this year)', integerIn(1900, 2100))
    .option('--delete <ids...>', 'delete these paper ids')
    .option('--delete-missing', 'delete every paper not in the given files, so the index matches them exactly')
    .option('--chunk-size <n>', 'papers embedded and committed per transaction', integerIn(1, 100_000), 256)
    .action(async (files: string[], options: IngestCommandOptions) => {
      if (files.length === 0 && !options.delete) throw new UsageError('give input files, --delete <ids…>, or both');
      if (options.deleteMissing && files.length === 0) throw new UsageError('--delete-missing needs the input files to compare with');
      const config = loadConfig(process.env);
      const model = files.length > 0 ? await loadModel(config) : { error: undefined, embedder: undefined };
      if (model.error) console.error(`warning: ${model.error.message}`);
      const store = openStore(config);
      try {
        if (files.length > 0) {
          await ingestFiles(files, { capturedYear: options.capturedYear, deleteMissing: options.deleteMissing, chunkSize: options.chunkSize }, store, model.embedder);
        }
        if (options.delete) deletePapers(store, options.delete);
      } finally {
        store.close();
        await model.embedder?.dispose();
      }
    });
}

interface IngestCommandOptions {
  capturedYear?: number;
  delete?: string[];
  deleteMissing?: boolean;
  chunkSize: number;
}

export interface IngestFileOptions extends ReadOptions {
  /** Delete stored papers that are not in the files (refused when any record was skipped). */
  deleteMissing?: boolean;
  chunkSize?: number;
}

function deletePapers(store: PaperStore, ids: readonly string[], log: (line: string) => void = (line) => console.error(line)): number {
  const deleted = store.delete(ids);
  const unknown = ids.filter((id) => !deleted.includes(id));
  if (unknown.length > 0) log(`not found, nothing to delete: ${unknown.join(', ')}`);
  store.save();
  log(`deleted ${deleted.length} paper(s)`);
  return deleted.length;
}

export interface IngestSummary extends IngestCounts {
  read: number;
  skipped: number;
}

export async function ingestFiles(
  files: readonly string[],
  options: IngestFileOptions,
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
    chunkSize: options.chunkSize,
    onProgress: ({ done, total }) => total > 0 && progress.update(done, total),
  });
  progress.finish();
  // A record can have several problems (one per bad field); count records, not problems.
  const skipped = new Set(problems.map((problem) => `${problem.file}:${problem.line}`)).size;
  const summary = { read: records.length + skipped, ...counts, skipped };
  log(formatSummary(summary));
  if (options.deleteMissing) {
    // A skipped record may be a paper the user still wants: never delete on a partial read.
    if (skipped > 0) {
      throw new AppError('BAD_INPUT_FILE', `Not deleting missing papers: ${skipped} record(s) were skipped; fix them and run again.`);
    }
    const present = new Set(records.map((record) => record.id));
    deletePapers(store, store.ids().filter((id) => !present.has(id)), log);
  }
  return summary;
}

export const formatSummary = (s: IngestSummary): string =>
  `ingest done: read ${s.read}, added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, skipped ${s.skipped}` +
  ` (embedded ${s.embedded}, vectors pending ${s.pending})`;
