// `paperseek sync hf-daily|arxiv|status`: bring the index up to date with Hugging Face Daily Papers
// or arXiv (OAI-PMH sets or an API query), continuing from each source's high-water mark. Prints
// progress on stderr and one summary line per source. Exits 1 when a source stays down (after
// committing everything fetched), naming the source, the URL and the last error.
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config.ts';
import { fmt } from '../../ingest/skip-report.ts';
import { arxivOaiSource } from '../../sync/arxiv-oai.ts';
import { arxivQuerySource, DEFAULT_MAX, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../sync/arxiv-query.ts';
import { loadSyncSettings } from '../../sync/config.ts';
import { hfDailySource } from '../../sync/hf-daily.ts';
import { PoliteClient } from '../../sync/http.ts';
import type { SyncSource } from '../../sync/source.ts';
import { SyncStateStore, syncStatus } from '../../sync/state.ts';
import { formatSyncSummary, sourceDownError, syncSource, type SyncProgress } from '../../sync/sync.ts';
import { integerIn, parseDate, UsageError } from '../options.ts';
import { keyValues } from '../output.ts';
import { loadModel, openStore } from '../../app/runtime.ts';
import { type CommandContext, type OutputStream, println } from '../context.ts';

interface SyncCommandOptions {
  from?: string;
  to?: string;
  set?: string[];
  query?: string;
  max?: number;
  pageSize?: number;
  chunkSize?: number;
  json?: boolean;
}

const collectSet = (value: string, previous: string[] = []): string[] => {
  if (!/^[A-Za-z][\w.-]*(:[\w.-]+)*$/.test(value)) throw new InvalidArgumentError('must be an OAI set spec such as cs, math, stat or physics:hep-th');
  return [...previous, value];
};

const LOG_INTERVAL_MS = 5000;

/** Pages, records and their rate: a live line on a terminal, a line every few seconds otherwise. */
function syncProgress(stream: OutputStream) {
  let started = performance.now();
  let last: SyncProgress | undefined;
  let shown = Number.NEGATIVE_INFINITY;
  let printed = '';
  const describe = (p: SyncProgress) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(p.records / seconds) : 0;
    const parts = [`${fmt(p.pages)} page${p.pages === 1 ? '' : 's'}`, `${fmt(p.records)} records`, `${fmt(rate)}/s`, `${fmt(p.committed)} committed`];
    if (p.embedded > 0) parts.push(`${fmt(p.embedded)} embedded`);
    return `sync ${p.source}: ${parts.join(' | ')}`;
  };
  return {
    start() {
      started = performance.now();
      last = undefined;
      shown = Number.NEGATIVE_INFINITY;
    },
    update(p: SyncProgress) {
      last = p;
      const interval = stream.isTTY ? 200 : LOG_INTERVAL_MS;
      if (performance.now() - shown < interval) return;
      shown = performance.now();
      printed = describe(p);
      stream.write(stream.isTTY ? `\r\x1b[2K${printed}` : `${printed}\n`);
    },
    log(line: string) {
      stream.write(stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
      if (stream.isTTY && last) stream.write(describe(last));
    },
    finish() {
      // The last state once (also for runs shorter than the interval), unless that line is already out.
      const line = last ? describe(last) : '';
      if (stream.isTTY && printed !== '') stream.write(`\r\x1b[2K${line}\n`);
      else if (line !== '' && line !== printed) stream.write(`${line}\n`);
      last = undefined;
      printed = '';
    },
  };
}

function printStatus(stdout: OutputStream, dataDir: string, json: boolean | undefined): void {
  const statuses = syncStatus(dataDir);
  if (json) {
    stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
    return;
  }
  if (statuses.length === 0) {
    stdout.write(`no source has been synced into ${dataDir}\n`);
    return;
  }
  for (const s of statuses) {
    stdout.write(
      `${keyValues([
        ['source', s.source],
        ['status', s.status + (s.resumable ? ' (interrupted; the next run resumes)' : '')],
        ['last sync', s.lastSyncAt ?? '-'],
        ['last success', s.lastSuccessAt ?? '-'],
        ['high-water mark', s.highWater ?? '-'],
        ...(s.error ? ([['error', s.error]] as [string, string][]) : []),
      ])}\n\n`,
    );
  }
}

export function registerSync(program: Command, context: CommandContext): void {
  program
    .command('sync')
    .description(
      'fetch new papers: hf-daily (Hugging Face Daily Papers, by day), arxiv --set <set> (OAI-PMH harvest), ' +
        'arxiv --query <query> (arXiv API search); each continues from where the last sync of it ended. `sync status` shows every source',
    )
    .argument('<source>', 'hf-daily, arxiv, or status')
    .option('--from <date>', 'start at this date (YYYY-MM-DD) instead of where the last sync ended', parseDate)
    .option('--to <date>', 'hf-daily: last day to fetch (default: today, UTC)', parseDate)
    .option('--set <set>', 'arxiv: an OAI-PMH set to harvest (cs, math, stat, physics:hep-th…); repeatable', collectSet)
    .option('--query <query>', "arxiv: an arXiv API search query, e.g. 'cat:cs.CV AND abs:diffusion'")
    .option('--max <n>', `arxiv --query: read at most this many results (default ${DEFAULT_MAX})`, integerIn(1, 30_000))
    .option('--page-size <n>', `arxiv --query: results per request (default ${DEFAULT_PAGE_SIZE})`, integerIn(1, MAX_PAGE_SIZE))
    .option('--chunk-size <n>', 'papers committed per transaction (default 256 with a model, 2048 without)', integerIn(1, 100_000))
    .option('--json', 'status: print JSON')
    .action(async (kind: string, options: SyncCommandOptions) => {
      const config = loadConfig(context.env);
      if (kind === 'status') return printStatus(context.stdout, config.dataDir, options.json);
      if (kind !== 'hf-daily' && kind !== 'arxiv') throw new UsageError(`unknown source "${kind}": expected hf-daily, arxiv or status`);
      const progress = syncProgress(context.stderr);
      const settings = loadSyncSettings(context.env, (line) => progress.log(line));
      const sources = buildSources(kind, options, settings);
      const model = await loadModel(config);
      if (model.error) println(context.stderr, `warning: ${model.error.message}`);
      if (!model.embedder) println(context.stderr, 'no embedding model: storing papers for keyword search, vectors pending until an ingest with the model');
      const store = openStore(config);
      const states = SyncStateStore.open(config.dataDir);
      try {
        for (const source of sources) {
          progress.start();
          const summary = await syncSource(
            source,
            store,
            states,
            model.embedder,
            { chunkSize: options.chunkSize },
            {
              log: (line) => progress.log(line),
              onProgress: (p) => progress.update(p),
            },
          );
          progress.finish();
          println(context.stderr, formatSyncSummary(summary));
          if (summary.failure) throw sourceDownError(summary);
        }
      } finally {
        progress.finish();
        states.close();
        store.close();
        await model.embedder?.dispose();
      }
    });
}

function buildSources(kind: 'hf-daily' | 'arxiv', options: SyncCommandOptions, settings: ReturnType<typeof loadSyncSettings>): SyncSource[] {
  const only = (allowed: (keyof SyncCommandOptions)[]) => {
    const given = (['to', 'set', 'query', 'max', 'pageSize'] as const).filter((key) => options[key] !== undefined && !allowed.includes(key));
    if (given.length > 0) {
      const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`${given.map(flag).join(', ')} ${given.length === 1 ? 'does' : 'do'} not apply to sync ${kind}${options.query ? ' --query' : ''}`);
    }
  };
  if (options.from && options.to && options.from > options.to) throw new UsageError('--from must not be after --to');
  if (kind === 'hf-daily') {
    only(['to']);
    const client = new PoliteClient(settings.hf);
    return [hfDailySource({ apiUrl: settings.hfApiUrl, client, from: options.from, to: options.to })];
  }
  // Both arXiv endpoints share arXiv's limits: one client, one request every PAPERSEEK_ARXIV_DELAY_MS.
  const client = new PoliteClient(settings.arxiv);
  if (options.query !== undefined) {
    if (options.set) throw new UsageError('give either --set (OAI-PMH harvest) or --query (API search), not both');
    only(['query', 'max', 'pageSize']);
    if (options.query.trim() === '') throw new UsageError('--query must not be empty');
    return [
      arxivQuerySource({ apiUrl: settings.arxivApiUrl, client, query: options.query.trim(), max: options.max, pageSize: options.pageSize, from: options.from }),
    ];
  }
  if (!options.set) throw new UsageError('sync arxiv needs --set <set> (e.g. --set cs) or --query <query>');
  only(['set']);
  return [...new Set(options.set)].map((set) => arxivOaiSource({ oaiUrl: settings.arxivOaiUrl, client, set, from: options.from }));
}
