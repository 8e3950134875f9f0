// `paperseek eval --queries <file.jsonl>`: nDCG@10, recall@10 and MRR@10 of the index in
// PAPERSEEK_DATA_DIR, per search mode and per query kind; `--json` for machines.
import { type Command, Option } from 'commander';
import { loadConfig } from '../../config.ts';
import { readJudgedQueries } from '../../eval/queries.ts';
import { evaluate, type EvalReport, type ModeReport } from '../../eval/run-eval.ts';
import type { Metrics } from '../../eval/metrics.ts';
import { SearchService } from '../../search/search-service.ts';
import { SEARCH_MODES, type SearchMode } from '../../search/types.ts';
import { bindModel, loadModel, openExistingStore } from '../../app/runtime.ts';
import { type CommandContext, println } from '../context.ts';

export function registerEval(program: Command, context: CommandContext): void {
  program
    .command('eval')
    .description('measure ranking quality on judged queries (nDCG@10, recall@10, MRR@10)')
    .requiredOption('--queries <file>', 'JSON Lines of {qid, query, kind, relevant: {paper_id: grade}}')
    .addOption(new Option('--mode <mode>', 'search mode to evaluate').choices([...SEARCH_MODES, 'all']).default('all'))
    .option('--json', 'print one JSON object instead of tables')
    .action(async (options: { queries: string; mode: SearchMode | 'all'; json?: boolean }) => {
      const config = loadConfig(context.env);
      const queries = await readJudgedQueries(options.queries);
      const model = await loadModel(config);
      const store = openExistingStore(config);
      try {
        bindModel(store, model.embedder);
        // Measure ranking, not the cache: every query is embedded afresh.
        const search = new SearchService(store, model, { ...config.search, queryCacheSize: 0 });
        const modes = options.mode === 'all' ? SEARCH_MODES : [options.mode];
        const report = await evaluate(search, queries, modes);
        println(context.stdout, options.json ? JSON.stringify(toJson(report, queries.length, store.count())) : formatTables(report, queries.length));
      } finally {
        store.close();
        await model.embedder?.dispose();
      }
    });
}

const isReport = (entry: EvalReport[string]): entry is ModeReport => 'overall' in entry;
const metricsJson = (m: Metrics) => ({ 'ndcg@10': round(m.ndcg), 'recall@10': round(m.recall), 'mrr@10': round(m.mrr) });
const round = (value: number) => Math.round(value * 10_000) / 10_000;

function toJson(report: EvalReport, queries: number, papers: number) {
  const modes = Object.fromEntries(
    Object.entries(report).map(([mode, entry]) => [
      mode,
      isReport(entry)
        ? { ...metricsJson(entry.overall), by_kind: Object.fromEntries(Object.entries(entry.byKind).map(([kind, m]) => [kind, metricsJson(m)])) }
        : entry,
    ]),
  );
  return { queries, papers, ...modes };
}

function formatTables(report: EvalReport, queries: number): string {
  const lines = [`${queries} queries, metrics @10`, '', pad(['mode', 'kind', 'nDCG', 'recall', 'MRR'])];
  for (const [mode, entry] of Object.entries(report)) {
    if (!isReport(entry)) {
      lines.push(`${mode.padEnd(10)}unavailable: ${entry.error}`);
      continue;
    }
    lines.push(pad([mode, 'all', ...figures(entry.overall)]));
    for (const [kind, metrics] of Object.entries(entry.byKind)) lines.push(pad(['', kind, ...figures(metrics)]));
  }
  return lines.join('\n');
}

const figures = (m: Metrics) => [m.ndcg, m.recall, m.mrr].map((value) => value.toFixed(3));
const pad = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(i === 0 ? 10 : 12) : cell.padStart(8))).join('');
