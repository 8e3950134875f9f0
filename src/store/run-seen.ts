// The ids one ingest run has read, kept in a TEMP table of the writer's connection rather than a
// JS Set: compact B-tree pages instead of millions of JS strings, and `--delete-missing` compares
// the whole index against the input with one SQL query. The temp database lives in memory: as a
// temp file, its journal writes cost 16 % of a keyword-only ingest (300k papers: 5,300 → 6,150
// records/s); all of arXiv (2.7M ids, the file as a number) is well under 100 MB.
import type { FirstSeen } from '../sources/located.ts';
import type { Db } from './database.ts';

export class RunSeen {
  private readonly statements;

  /** File names by number: the table stores the number, not the path, once per id. */
  private readonly files: string[] = [];

  constructor(private readonly db: Db) {
    // Changing temp_store drops the connection's temp tables (run_seen is recreated below; search's
    // page table too, which recreates itself): set it only when it is not MEMORY (2) already.
    if (db.pragma('temp_store', { simple: true }) !== 2) db.pragma('temp_store = MEMORY');
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS run_seen (id TEXT PRIMARY KEY, file INTEGER NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID`);
    db.exec('DELETE FROM temp.run_seen');
    this.statements = {
      insert: db.prepare<[string, number, number]>('INSERT OR IGNORE INTO temp.run_seen (id, file, line) VALUES (?, ?, ?)'),
      first: db.prepare<[string], { file: number; line: number }>('SELECT file, line FROM temp.run_seen WHERE id = ?'),
      unseen: db.prepare<[], string>('SELECT id FROM papers WHERE id NOT IN (SELECT id FROM temp.run_seen) ORDER BY label').pluck(),
    };
  }

  /**
   * Records the ids of a batch in one transaction. Returns, for each id read before (in this run,
   * or earlier in the same batch), where it was first seen; undefined for a first occurrence.
   */
  mark(batch: readonly { id: string; file: string; line: number }[]): (FirstSeen | undefined)[] {
    return this.db.transaction(() =>
      batch.map(({ id, file, line }) => {
        if (this.statements.insert.run(id, this.fileNumber(file), line).changes === 1) return undefined;
        const first = this.statements.first.get(id)!;
        return { file: this.files[first.file]!, line: first.line };
      }),
    )();
  }

  private fileNumber(file: string): number {
    const known = this.files.lastIndexOf(file);
    return known !== -1 ? known : this.files.push(file) - 1;
  }

  /** Stored papers whose id this run has not read. */
  unseenIds(): string[] {
    return this.statements.unseen.all();
  }
}
