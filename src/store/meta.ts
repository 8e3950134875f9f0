// Typed access to the meta table: facts about the whole index (model, dims, HNSW parameters).
import type { Db } from './database.ts';

export class MetaTable {
  private readonly getStatement;
  private readonly setStatement;

  constructor(db: Db) {
    this.getStatement = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.setStatement = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  get<T>(key: string): T | undefined {
    const row = this.getStatement.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.setStatement.run(key, JSON.stringify(value));
  }
}
