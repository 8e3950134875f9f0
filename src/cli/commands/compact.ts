// `paperseek compact`: rebuild the HNSW index from the vectors stored in SQLite (no
// re-embedding), dropping deleted entries; runs by itself when deletes pass a threshold.
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { COMPACT_DELETED_FRACTION } from '../../store/paper-store.ts';
import { openStore } from '../../app/runtime.ts';

export function registerCompact(program: Command): void {
  program
    .command('compact')
    .description(
      `rebuild the vector index from stored vectors, dropping deleted entries (automatic after an ingest once more than ${COMPACT_DELETED_FRACTION * 100}% of entries are deleted)`,
    )
    .action(() => {
      const store = openStore(loadConfig(process.env));
      try {
        const { before, after } = store.compact();
        console.error(`compacted: ${before} index entries → ${after} (generation ${store.generation})`);
      } finally {
        store.close();
      }
    });
}
