// The log's daily partitions on PostgreSQL: the schema splits deliveries into deliveries_pending (the
// queue) and deliveries_done (the log), the latter partitioned by created_at's day, with a DEFAULT
// partition. Days are made ahead, so a completion never waits on DDL and never fails for a missing day;
// days past retention are dropped whole, so pruning leaves no dead rows to vacuum. A pending row (a retry
// waiting) is in deliveries_pending, never in a day, so dropping a day cannot lose it.
// Rules: every change of the set of days runs under one advisory lock, so processes racing to make or
// drop the same day take turns instead of failing; DDL waits for its table locks at most LOCK_TIMEOUT,
// and a day it could not change is changed by a later run (its rows live in DEFAULT or stay meanwhile).
import type { Db } from './db.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days made beyond today: the pruner runs hourly, so two spare days survive a long pause of it. */
export const DAYS_AHEAD = 2;
const PARTITION_LOCK = 7_246_002;
const LOCK_TIMEOUT = "SET LOCAL lock_timeout = '1s'";
const DAY_NAME = /^deliveries_(\d{4})(\d{2})(\d{2})$/;

/** 'YYYY-MM-DD' of the UTC day holding `ms`. */
function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function partitionName(day: string): string {
  return `deliveries_${day.replaceAll('-', '')}`;
}

/** The first instant after the partition's day ('YYYY-MM-DD'), or null for a table that is no day partition. */
function dayEnd(name: string): string | null {
  const m = DAY_NAME.exec(name);
  return m ? dayOf(Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) + DAY_MS) : null;
}

/** A lock wait cut short by lock_timeout. */
function isLockTimeout(err: unknown): boolean {
  return (err as { code?: string }).code === '55P03';
}

/**
 * Makes the partitions of `now`'s UTC day and the DAYS_AHEAD days after it. Rows of such a day already in
 * the DEFAULT partition move into the new partition in the same transaction (the partition is attached
 * only once they are in it, which is what ATTACH checks), so none is lost or seen twice. Attaching locks
 * the log only against other DDL, and the queue not at all.
 */
export async function makeDays(db: Db, now: string): Promise<void> {
  const today = Date.parse(now);
  await db.transaction(async (q) => {
    await q.query(LOCK_TIMEOUT);
    await q.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    for (let i = 0; i <= DAYS_AHEAD; i++) {
      const from = dayOf(today + i * DAY_MS);
      const to = dayOf(today + (i + 1) * DAY_MS);
      const name = partitionName(from);
      const { rows } = await q.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
      if (rows[0].present) continue;
      await q.query(`CREATE TABLE ${name} (LIKE deliveries_done INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await q.query(
        `WITH moved AS (DELETE FROM deliveries_default WHERE created_at >= $1 AND created_at < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await q.query(`ALTER TABLE deliveries_done ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
  });
}

/** makeDays at start-up: a lock wait cut short leaves the day to the pruner's next run (rows go to DEFAULT meanwhile). */
export async function makeDaysAtStart(db: Db, now: string): Promise<void> {
  await makeDays(db, now).catch((err) => {
    if (!isLockTimeout(err)) throw err;
  });
}

/**
 * Drops the day partitions that end at or before `before`; returns how many deliveries went with them.
 * A drop takes the log's ACCESS EXCLUSIVE lock for a moment (PostgreSQL detaches concurrently only
 * without a DEFAULT partition): listing waits that long, the queue not at all.
 */
export async function dropPastDays(db: Db, before: string): Promise<number> {
  const { rows: parts } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'deliveries_done'::regclass ORDER BY c.relname`,
  );
  let dropped = 0;
  for (const { name } of parts) {
    const end = dayEnd(name);
    if (end === null || end > before) continue;
    // Counted before the lock, not to hold it while a day is read: a past day gains rows only from an
    // attempt that outlived its day by the retention, which the count may miss.
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    try {
      const gone = await db.transaction(async (q) => {
        await q.query(LOCK_TIMEOUT);
        await q.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
        await q.query('LOCK TABLE ONLY deliveries_done IN ACCESS EXCLUSIVE MODE');
        // Another process's pruner may have dropped it meanwhile.
        const { rows: present } = await q.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
        if (present[0].present) await q.query(`DROP TABLE ${name}`);
        return present[0].present;
      });
      if (gone) dropped += rows[0].n;
    } catch (err) {
      if (!isLockTimeout(err)) throw err;
    }
  }
  return dropped;
}
