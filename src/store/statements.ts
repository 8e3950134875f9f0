// Prepared statements cached by SQL text: queries whose WHERE clause depends on the filters in
// use are prepared once per shape instead of once per request.
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

export class StatementCache {
  private readonly cache = new Map<string, Statement<unknown[]>>();

  constructor(private readonly db: Db) {}

  get<Row>(sql: string): Statement<unknown[], Row> {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.cache.set(sql, statement);
    }
    return statement as Statement<unknown[], Row>;
  }
}
