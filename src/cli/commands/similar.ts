// `paperseek similar <id>`: the papers nearest to a stored paper's vector (no model needed),
// as a table or (--json) as the HTTP API's /papers/:id/similar body.
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { SearchService } from '../../search/search-service.ts';
import { addPageOptions, toFilter, type FilterOptions, type PageOptions } from '../options.ts';
import { pageJson, pageSummary, resultsTable } from '../results.ts';
import { openExistingStore } from '../../app/runtime.ts';

export function registerSimilar(program: Command): void {
  const command = program
    .command('similar')
    .description('papers most similar to a paper in the index (uses stored vectors; loads no model)')
    .argument('<id>', 'paper id, as `search` prints it');
  addPageOptions(command).action((id: string, options: PageOptions & FilterOptions) => {
    const filter = toFilter(options);
    const config = loadConfig(process.env);
    const store = openExistingStore(config);
    try {
      const search = new SearchService(store, { error: new AppError('MODEL_UNAVAILABLE', 'not loaded: similar uses stored vectors') }, config.search);
      const started = performance.now();
      const page = search.similar(id, { k: options.k, offset: options.offset, filter });
      if (options.json) {
        console.log(JSON.stringify({ id, ...pageJson(page, options, started) }, null, 2));
        return;
      }
      const title = store.get(id)?.title ?? id;
      console.log(`${pageSummary(page, options.offset, `papers similar to "${title}"`, performance.now() - started)}\n`);
      console.log(resultsTable(page, options.offset));
    } finally {
      store.close();
    }
  });
}
