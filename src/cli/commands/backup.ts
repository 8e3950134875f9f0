// `paperseek backup <dir>`: a consistent copy of the index (papers.db through SQLite's online
// backup API, plus the HNSW file of the generation that copy records), safe while serving or ingesting.
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { backupStore } from '../../store/backup.ts';
import { formatBytes } from '../../store/database.ts';
import { type CommandContext, println } from '../context.ts';

export function registerBackup(program: Command, context: CommandContext): void {
  program
    .command('backup')
    .description('copy the index to <dir> (consistent while the server or an ingest runs); restore by pointing PAPERSEEK_DATA_DIR at a copy of it')
    .argument('<dir>', 'an empty or new folder')
    .action(async (dir: string) => {
      const { dataDir } = loadConfig(context.env);
      const result = await backupStore(dataDir, dir);
      const files = result.files.map((file) => `${file.name} (${formatBytes(file.bytes)})`).join(', ');
      println(
        context.stderr,
        `backed up ${result.papers} papers from ${path.resolve(dataDir)} to ${path.resolve(dir)}: ${files}` +
          (result.note ? `; ${result.note}: the first ingest or compact on a restored copy rebuilds it from the stored vectors` : ''),
      );
    });
}
