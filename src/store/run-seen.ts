// The ids one ingest run has read, kept in a TEMP table of the writer's connection rather than a
// JS Set: at arXiv scale (millions of ids) memory stays flat, and `--delete-missing` can compare
// the whole index against the input with one SQL query.
import type { Db } from './database.ts';

export interface FirstSeen {
  file: string;
  line: number;
}

export class RunSeen {
  private readonly statements;

  constructor(private readonly db: Db) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS run_seen (id TEXT PRIMARY KEY, file TEXT NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID`);
    db.exec('DELETE FROM temp.run_seen');
    this.statements = {
      insert: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO temp.run_seen (id, file, line) VALUES (?, ?, ?)'),
      first: db.prepare<[string], FirstSeen>('SELECT file, line FROM temp.run_seen WHERE id = ?'),
      unseen: db.prepare<[], string>('SELECT id FROM papers WHERE id NOT IN (SELECT id FROM temp.run_seen) ORDER BY label').pluck(),
    };
  }

  /**
   * Records the ids of a batch in one transaction. Returns, for each id read before (in this run,
   * or earlier in the same batch), where it was first seen; undefined for a first occurrence.
   */
  mark(batch: readonly { id: string; file: string; line: number }[]): (FirstSeen | undefined)[] {
    return this.db.transaction(() =>
      batch.map(({ id, file, line }) => (this.statements.insert.run(id, file, line).changes === 1 ? undefined : this.statements.first.get(id))),
    )();
  }

  /** Stored papers whose id this run has not read. */
  unseenIds(): string[] {
    return this.statements.unseen.all();
  }
}
