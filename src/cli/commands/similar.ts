// `paperseek similar <id>`: the papers nearest to a stored paper's vector (no model needed),
// as a table or (--json) as the HTTP API's /papers/:id/similar body.
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { SearchService } from '../../search/search-service.ts';
import { addPageOptions, toFilter, type FilterOptions, type PageOptions } from '../options.ts';
import { toSimilarBody } from '../../api/present.ts';
import { pageSummary, resultsTable } from '../results.ts';
import { openExistingStore } from '../../app/runtime.ts';
import { type CommandContext, lineWidth, println } from '../context.ts';

export function registerSimilar(program: Command, context: CommandContext): void {
  const command = program
    .command('similar')
    .description('papers most similar to a paper in the index (uses stored vectors; loads no model)')
    .argument('<id>', 'paper id, as `search` prints it');
  addPageOptions(command).action((id: string, options: PageOptions & FilterOptions) => {
    const filter = toFilter(options);
    const config = loadConfig(context.env);
    const store = openExistingStore(config);
    try {
      const search = new SearchService(store, { error: new AppError('MODEL_UNAVAILABLE', 'not loaded: similar uses stored vectors') }, config.search);
      const started = performance.now();
      const page = search.similar(id, { k: options.k, offset: options.offset, filter });
      if (options.json) {
        println(context.stdout, JSON.stringify(toSimilarBody(id, page, options, started), null, 2));
        return;
      }
      const title = store.get(id)?.title ?? id;
      println(context.stdout, `${pageSummary(page, options.offset, `papers similar to "${title}"`, performance.now() - started)}\n`);
      println(context.stdout, resultsTable(page, options.offset, lineWidth(context.stdout)));
    } finally {
      store.close();
    }
  });
}
