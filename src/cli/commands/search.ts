// `paperseek search "<query>"`: hybrid, semantic or keyword search of the local index, printed
// as a table or (--json) as the HTTP API's /search body.
import { type Command, Option } from 'commander';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { SearchService } from '../../search/search-service.ts';
import { SEARCH_MODES, type ModelSlot, type SearchMode } from '../../search/types.ts';
import { addPageOptions, toFilter, UsageError, type FilterOptions, type PageOptions } from '../options.ts';
import { toSearchBody } from '../../api/present.ts';
import { pageSummary, resultsTable } from '../results.ts';
import { bindModel, loadModel, openExistingStore } from '../../app/runtime.ts';
import { type CommandContext, lineWidth, println } from '../context.ts';

interface SearchOptions extends PageOptions, FilterOptions {
  mode: SearchMode;
}

export function registerSearch(program: Command, context: CommandContext): void {
  const command = program
    .command('search')
    .description('search the index by meaning and by keywords')
    .argument('<query>', 'free-text query (quote it)')
    .addOption(new Option('-m, --mode <mode>', 'hybrid: fused ranks; semantic: vectors only; keyword: BM25 only').choices(SEARCH_MODES).default('hybrid'));
  addPageOptions(command).action(async (query: string, options: SearchOptions) => {
    if (!query.trim()) throw new UsageError('the query must not be empty');
    const filter = toFilter(options);
    const config = loadConfig(context.env);
    // Keyword search needs no model: skip loading it.
    const model: ModelSlot =
      options.mode === 'keyword' ? { error: new AppError('MODEL_UNAVAILABLE', 'not loaded for keyword search') } : await loadModel(config);
    const store = openExistingStore(config);
    try {
      bindModel(store, model.embedder);
      if (!model.embedder && options.mode === 'hybrid') println(context.stderr, `warning: ${model.error.message}\nhybrid search falls back to keyword search.`);
      const search = new SearchService(store, model, config.search);
      const started = performance.now();
      const page = await search.search({ query, mode: options.mode, k: options.k, offset: options.offset, filter });
      if (options.json) {
        println(context.stdout, JSON.stringify(toSearchBody(query, page, options, started), null, 2));
        return;
      }
      const mode = page.degraded ? `${page.mode}, degraded to keyword` : page.mode;
      println(context.stdout, `${pageSummary(page, options.offset, `results for "${query}"`, performance.now() - started)} · ${mode}\n`);
      println(context.stdout, resultsTable(page, options.offset, lineWidth(context.stdout)));
    } finally {
      store.close();
      await model.embedder?.dispose();
    }
  });
}
