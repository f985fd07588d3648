// What the database spends per delivery on PostgreSQL: statements, round trips and commits (counted in
// the Hookline child, bench/children/pg-count.ts), WAL bytes
// (pg_current_wal_lsn() deltas) and the CPU time of the database's backends serving the bench database
// (/proc/<pid>/stat of each backend). Rule: figures are per delivery and per event, so they can be
// multiplied out in docs/scaling.md whatever rate a noisy machine allowed.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { PgQueryCounts } from './children/pg-count.js';

export interface PgSnapshot {
  walBytes: number;
  backendCpuS: number;
  backends: number;
}

export interface PgCost {
  statements_per_delivery: number;
  round_trips_per_delivery: number;
  commits_per_delivery: number;
  wal_bytes_per_delivery: number;
  db_cpu_ms_per_delivery: number;
  statements_per_event: number;
  round_trips_per_event: number;
  commits_per_event: number;
  wal_bytes_per_event: number;
  db_cpu_ms_per_event: number;
  backends: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, or 0 once it has gone. */
function processCpuS(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** A snapshot of the bench database's cost counters, read through its own short connection. */
export async function pgSnapshot(databaseUrl: string): Promise<PgSnapshot> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ lsn: string; pids: number[] }>(
      `SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS lsn,
         (SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) AS pids`,
    );
    const pids = rows[0].pids;
    return {
      walBytes: Number(rows[0].lsn),
      backendCpuS: pids.reduce((sum, pid) => sum + processCpuS(pid), 0),
      backends: pids.length,
    };
  } finally {
    await client.end();
  }
}

/**
 * The cost between two snapshots; `queries` is what the Hookline process sent in between. WAL is the
 * whole cluster's: on a shared server it includes other databases' writes.
 */
export function pgCost(before: PgSnapshot, after: PgSnapshot, queries: PgQueryCounts, deliveries: number, events: number): PgCost {
  const walBytes = after.walBytes - before.walBytes;
  const commits = queries.commits;
  const cpuMs = (after.backendCpuS - before.backendCpuS) * 1000;
  return {
    statements_per_delivery: queries.statements / deliveries,
    round_trips_per_delivery: queries.roundTrips / deliveries,
    commits_per_delivery: commits / deliveries,
    wal_bytes_per_delivery: walBytes / deliveries,
    db_cpu_ms_per_delivery: cpuMs / deliveries,
    statements_per_event: queries.statements / events,
    round_trips_per_event: queries.roundTrips / events,
    commits_per_event: commits / events,
    wal_bytes_per_event: walBytes / events,
    db_cpu_ms_per_event: cpuMs / events,
    backends: after.backends,
  };
}
