// Compiling a statement costs more than running it; each SQL text is compiled once per connection.
import type { Database, Statement } from 'better-sqlite3';

/** `db.prepare`, memoised by SQL text. */
export function statementCache(db: Database): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
