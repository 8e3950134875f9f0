// `paperseek check`: is the index in PAPERSEEK_DATA_DIR sound? SQLite's quick_check over every
// page, FTS5's integrity check of the keyword index, and what it holds. Exit 0 ok, 1 corrupt.
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { databasePath, formatBytes } from '../../store/database.ts';
import { checkStorage, RECOVERY_ADVICE } from '../../store/health.ts';
import { type CommandContext, println } from '../context.ts';
import { keyValues } from '../output.ts';

export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command('check')
    .description('check the index for corruption (SQLite quick_check, keyword index integrity); exit 1 when corrupt')
    .option('--json', 'print one JSON object instead of text')
    .action((options: { json?: boolean }) => {
      const { dataDir } = loadConfig(context.env);
      const report = checkStorage(dataDir);
      if (report.status === 'corrupt') context.exitCode = 1; // EXIT.failure (program.ts)
      if (options.json) {
        println(
          context.stdout,
          JSON.stringify({ ...report, data_dir: path.resolve(dataDir), recovery: report.status === 'corrupt' ? RECOVERY_ADVICE : undefined }, null, 2),
        );
        return;
      }
      const { counts, index } = report;
      println(
        context.stdout,
        keyValues([
          ['data dir', path.resolve(dataDir)],
          [path.basename(databasePath(dataDir)), report.status === 'ok' ? 'ok (quick_check)' : 'CORRUPT'],
          [
            'keyword index',
            report.fulltext !== 'skipped'
              ? report.fulltext
              : report.status === 'corrupt'
                ? 'not checked (the database failed first)'
                : 'not checked (a writer held the database; run again)',
          ],
          ...(counts
            ? ([['papers', `${counts.papers} (${counts.embedded} embedded, ${counts.pendingVectors} waiting for the model)`]] as [string, string][])
            : []),
          [
            'index file',
            report.status === 'corrupt' && !counts
              ? 'not checked'
              : !index
                ? 'none published yet'
                : index.bytes === null
                  ? `${path.basename(index.file)} missing (the next ingest or compact rebuilds it from the stored vectors)`
                  : `${path.basename(index.file)} (${formatBytes(index.bytes)})`,
          ],
        ]),
      );
      if (report.status === 'corrupt') {
        println(
          context.stderr,
          `error: the index in ${path.resolve(dataDir)} is corrupt: ${report.problems.slice(0, 5).join('; ')}${report.problems.length > 5 ? ` (and ${report.problems.length - 5} more)` : ''}`,
        );
        println(context.stderr, RECOVERY_ADVICE);
      }
    });
}
