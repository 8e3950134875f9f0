// `paperseek ingest <files…>`: stream records from files (or `-` for stdin) into the index, then
// print a summary (read / added / updated / unchanged / skipped). Exits 1 when records were read
// but none could be ingested.
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { deletePapers, ingestSources, nothingIngested } from '../../ingest/ingest-sources.ts';
import { DEFAULT_JOBS_IN_FLIGHT, QueueEmbedder } from '../../queue/queue-embedder.ts';
import { FORMAT_NAMES } from '../../sources/index.ts';
import { MAPPABLE_FIELDS } from '../../sources/record.ts';
import { integerIn, UsageError } from '../options.ts';
import { createSourceProgress } from '../progress.ts';
import { loadModel, openStore } from '../../app/runtime.ts';
import { type CommandContext, println } from '../context.ts';

function parseMapping(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([a-z_]+)=(.+)$/.exec(value);
  if (!match || !(MAPPABLE_FIELDS as readonly string[]).includes(match[1]!)) {
    throw new InvalidArgumentError(`expected field=column with field one of ${MAPPABLE_FIELDS.join(', ')}, got "${value}"`);
  }
  return { ...previous, [match[1]!]: match[2]! };
}

function parseFormat(value: string): string {
  if (!FORMAT_NAMES.includes(value)) throw new InvalidArgumentError(`must be one of ${FORMAT_NAMES.join(', ')}`);
  return value;
}

interface IngestCommandOptions {
  capturedYear?: number;
  delete?: string[];
  deleteMissing?: boolean;
  chunkSize?: number;
  format?: string;
  map?: Record<string, string>;
  report?: string;
  queue?: string;
  jobsInFlight?: number;
}

export function registerIngest(program: Command, context: CommandContext): void {
  program
    .command('ingest')
    .description(
      'add, update or delete papers. Files (or - for stdin, .gz accepted) in any supported format, detected from the content: ' +
        'arXiv metadata snapshot, Hugging Face API, Semantic Scholar, OpenAlex, paperseek JSON/JSON Lines, arXiv Atom and OAI-PMH XML, CSV/TSV, Hugging Face page dumps (.txt)',
    )
    .argument('[files...]', 'input files; - reads standard input')
    .option('--format <name>', `force a format instead of detecting it (${FORMAT_NAMES.join(', ')})`, parseFormat)
    .option('--map <field=column>', 'read a field from another column/key, e.g. --map abstract=summary (repeatable)', parseMapping)
    .option('--report <file.jsonl>', 'write every skipped record and dropped field, with its reason, to this JSON Lines file')
    .option(
      '--captured-year <year>',
      'year a .txt page was captured; dates without a year get it (default: read from the page: the year after its newest dated entry)',
      integerIn(1900, 2100),
    )
    .option('--delete <ids...>', 'delete these paper ids')
    .option('--delete-missing', 'delete every paper not in the given files, so the index matches them exactly')
    .option('--chunk-size <n>', 'papers committed per transaction (default 256 with a model, 2048 without)', integerIn(1, 100_000))
    .option('--queue <redis-url>', 'embed on `paperseek worker` processes through this Redis (redis://host:port/db) instead of here; one job per chunk')
    .option(
      '--jobs-in-flight <n>',
      `with --queue: chunks queued at once, at least the number of workers (default ${DEFAULT_JOBS_IN_FLIGHT})`,
      integerIn(1, 10_000),
    )
    .action(async (files: string[], options: IngestCommandOptions) => {
      if (files.length === 0 && !options.delete) throw new UsageError('give input files, --delete <ids…>, or both');
      if (options.deleteMissing && files.length === 0) throw new UsageError('--delete-missing needs the input files to compare with');
      const config = loadConfig(context.env);
      if (options.jobsInFlight && !options.queue) throw new UsageError('--jobs-in-flight needs --queue');
      // With --queue this process loads no model: workers embed, this process stays the only writer.
      const model = files.length > 0 && !options.queue ? await loadModel(config) : { error: undefined, embedder: undefined };
      if (model.error) println(context.stderr, `warning: ${model.error.message}`);
      const store = openStore(config);
      const progress = createSourceProgress(context.stderr);
      let queue: QueueEmbedder | undefined;
      try {
        if (files.length > 0 && options.queue) {
          queue = await QueueEmbedder.connect({
            url: options.queue,
            embedding: config.embedding,
            storedSpec: store.spec,
            dataDir: config.dataDir,
            jobsInFlight: options.jobsInFlight,
            log: (line) => progress.log(line),
          });
        }
        if (files.length > 0) {
          const summary = await ingestSources(
            files,
            {
              capturedYear: options.capturedYear,
              deleteMissing: options.deleteMissing,
              chunkSize: options.chunkSize,
              format: options.format,
              fieldMap: options.map,
              reportFile: options.report,
              pipeline: queue?.pipeline,
              stdin: context.stdin,
            },
            store,
            queue ?? model.embedder,
            { onProgress: (p) => progress.update(p), log: (line) => progress.log(line) },
          );
          progress.finish();
          if (nothingIngested(summary)) {
            throw new AppError('BAD_INPUT_FILE', `none of the ${summary.read} record(s) read could be ingested (see the reasons above)`);
          }
        }
        if (options.delete) deletePapers(store, options.delete, (line) => println(context.stderr, line));
      } finally {
        progress.finish();
        store.close();
        await model.embedder?.dispose();
        await queue?.dispose();
      }
    });
}
