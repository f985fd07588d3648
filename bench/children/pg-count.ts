// Counts what the Hookline child asks of PostgreSQL: every pg Client.query call is one round trip with
// node-postgres (it does not pipeline) and holds one statement, BEGIN and COMMIT included; a commit is
// a statement outside BEGIN … COMMIT, or a COMMIT. Installed before the compiled build is imported, on
// the same `pg` module the build resolves.
import pg from 'pg';

export interface PgQueryCounts {
  statements: number;
  roundTrips: number;
  commits: number;
}

const counts: PgQueryCounts = { statements: 0, roundTrips: 0, commits: 0 };
const inTransaction = new WeakSet<object>();

export function countPgQueries(): () => PgQueryCounts {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function counted(this: object, ...args: unknown[]) {
    const text = (typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text ?? '').trim();
    // A text without parameters may hold several commands (migrations); the hot path never sends one.
    counts.statements += Math.max(1, text.split(';').filter((s) => s.trim() !== '').length);
    counts.roundTrips++;
    const command = text.toUpperCase();
    if (command === 'BEGIN') inTransaction.add(this);
    else if (command === 'COMMIT' || command === 'ROLLBACK') {
      inTransaction.delete(this);
      if (command === 'COMMIT') counts.commits++;
    } else if (!inTransaction.has(this)) counts.commits++;
    return original.apply(this, args);
  };
  return () => ({ ...counts });
}
