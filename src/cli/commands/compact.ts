// `paperseek compact`: rebuild the HNSW index from the vectors stored in SQLite (no
// re-embedding), dropping deleted entries; runs by itself when deletes pass a threshold.
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { COMPACT_DELETED_FRACTION } from '../../store/paper-store.ts';
import { openStore } from '../../app/runtime.ts';
import { type CommandContext, println } from '../context.ts';

export function registerCompact(program: Command, context: CommandContext): void {
  program
    .command('compact')
    .description(
      `rebuild the vector index from stored vectors, dropping deleted entries (automatic after an ingest once more than ${COMPACT_DELETED_FRACTION * 100}% of entries are deleted)`,
    )
    .action(() => {
      const store = openStore(loadConfig(context.env));
      try {
        const { before, after } = store.compact();
        println(context.stderr, `compacted: ${before} index entries → ${after} (generation ${store.generation})`);
      } finally {
        store.close();
      }
    });
}
