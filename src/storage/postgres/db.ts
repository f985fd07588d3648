// A thin layer over a pg Pool: parameterised queries only, statement timeouts, transactions, transient
// errors retried, and "the database is gone" turned into Unavailable (503) for the API.
import pg from 'pg';
import { Unavailable } from '../../domain/errors.js';

/** What adapters query through: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // BIGINT ids and millisecond timestamps fit in a double; Hookline never needs more than 2^53.
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Queries given parameters (an empty list too) run as named prepared statements, so PostgreSQL parses
 * and plans each SQL text once per connection instead of on every call; a query given none may hold
 * several commands (migrations, DDL), which cannot be prepared. Rule: a name always stands for the same
 * text, on every connection.
 */
const statementNames = new Map<string, string>();
function run<R extends pg.QueryResultRow>(on: pg.Pool | pg.PoolClient, sql: string, params: unknown[] | undefined): Promise<pg.QueryResult<R>> {
  if (params === undefined) return on.query<R>(sql);
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `hookline_${statementNames.size + 1}`));
  return on.query<R>({ name, text: sql, values: params });
}

/**
 * A prepared `SELECT *` fails with this once a migration (run by a newer process) changed the table's
 * columns; the connections holding it are replaced and the query runs again.
 */
function isStalePreparedStatement(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}

/** Serialization failures and deadlocks: safe to run the transaction again. */
const RETRYABLE = new Set(['40001', '40P01']);

/** Connection-class failures: the database is restarting or unreachable. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03'].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|not queryable/i.test(e.message ?? '')
  );
}

export class Db implements Queryable {
  private pool: pg.Pool;
  private closed = false;

  constructor(readonly config: pg.PoolConfig) {
    this.pool = this.newPool();
  }

  private newPool(): pg.Pool {
    const pool = new pg.Pool({
      max: 10,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 15_000,
      // Enforced by the client too: a frozen server (not a restarted one) must not hang a request.
      query_timeout: 20_000,
      ...this.config,
      types,
    } as pg.PoolConfig);
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  async query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.retrying((pool) => run<R>(pool, sql, params));
  }

  /** Runs `work` in a transaction, retrying it on serialization failures and lost connections. */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.retrying(async (pool) => {
      const client = await pool.connect();
      let broken = false;
      // pg-pool drops its error listener while a client is checked out, and pg emits 'error' when the
      // server ends the connection (a restart): unheard, that event would crash the process.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work({ query: <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => run<R>(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken ||= isConnectionError(err);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }

  private async retrying<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const delays = [20, 100, 300];
    for (let attempt = 0; ; attempt++) {
      const pool = this.pool;
      try {
        return await work(pool);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (isStalePreparedStatement(err) && attempt === 0 && !this.closed) {
          // Several queries fail at once after a migration: only the first replaces the pool.
          if (pool === this.pool) {
            this.pool = this.newPool();
            void pool.end().catch(() => undefined); // after the clients still checked out are released
          }
          continue;
        }
        const transient = RETRYABLE.has(code) || isConnectionError(err);
        if (!transient) throw err;
        if (attempt >= delays.length) throw isConnectionError(err) ? new Unavailable() : err;
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }
}
