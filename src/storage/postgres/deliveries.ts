// Events and the delivery queue on PostgreSQL: claims with FOR UPDATE SKIP LOCKED and a lease, so no
// row is held by two live workers; completion conditional on the claim; a NOTIFY after new due rows commit.
import { LISTED_AS_SUCCESS, SUCCESS } from '../../domain/delivery-policy.js';
import type { ClaimedDelivery, DeliveryStore } from '../delivery-store.js';
import { claimParams, HOOK_BY_HOOK_CLAIM_SQL, WINDOW_CLAIM_SQL } from './claim-sql.js';
import { needsHookByHook, windowSize } from '../fair-claim.js';
import { SUMMARY_COLUMNS, toClaimed, toDetail, toSummary, type DeliveryRow } from '../delivery-row.js';
import { batchedCompletions } from './completions.js';
import type { Db } from './db.js';
import { toHook, type HookRow } from './hooks.js';
import { groupCommitIngest } from './ingest-batch.js';
import { dropPastDays, makeDays } from './partitions.js';
import { coalescedNotify } from './wake.js';

/** The channel workers LISTEN on; per schema, so installations sharing a database do not wake each other. */
export function dueChannel(schema: string | null): string {
  return schema ? `hookline_due_${schema}` : 'hookline_deliveries_due';
}

/**
 * `db` serves the API (ingest, listing, redelivery); `queue` the worker's claims, payload reads,
 * outcomes and releases. Rule: the pools are apart, so a burst of API requests never queues ahead of
 * the worker for a pooled connection.
 */
export function postgresDeliveries(db: Db, queue: Db, channel: string): Omit<DeliveryStore, 'listenForDue'> {
  const wake = coalescedNotify(db, channel);
  /** One claim statement: what it leased, and how many queued rows its window read. */
  async function claimWith(sql: string, params: unknown[]): Promise<{ claimed: ClaimedDelivery[]; windowRows: number }> {
    const { rows } = await queue.query<DeliveryRow & { hook: HookRow; payload: string | null; window_n: string }>(sql, params);
    const claimed = rows.filter((r) => r.id !== null).map((r): ClaimedDelivery => ({
      ...toClaimed(r, toHook(r.hook)), ...(r.payload === null ? {} : { payload: r.payload }),
    }));
    return { claimed, windowRows: Number(rows[0]?.window_n ?? 0) };
  }
  return {
    // Concurrent requests' events share one statement and one commit (ingest-batch.ts).
    acceptEvent: groupCommitIngest(db, wake),

    async findLatestPush(repositoryId) {
      const { rows } = await db.query<{ payload: string; action: string | null }>(
        `SELECT payload, action FROM events WHERE repository_id = $1 AND event = 'push' ORDER BY id DESC LIMIT 1`,
        [repositoryId],
      );
      return rows[0] ?? null;
    },

    async insertRedelivery(hookId, deliveryId, now, dueAt) {
      return db.transaction(async (q) => {
        const { rows } = await q.query<{ id: number }>(
          `INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at, attempt, kind)
           SELECT hook_id, event_id, guid, event, action, repository_id, TRUE, $1, $2,
             (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'manual'
           FROM deliveries d WHERE id = $3 AND hook_id = $4 AND state = 'done' RETURNING id`,
          [dueAt, now, deliveryId, hookId],
        );
        if (rows.length > 0) await q.query(`SELECT pg_notify('${channel}', '')`);
        return rows[0]?.id ?? null;
      });
    },

    async replayFailed({ hookId, since, until, limit, now, dueAt }) {
      return db.transaction(async (q) => {
        // Each event's latest recorded attempt to the hook, in the window, when it failed.
        const { rows } = await q.query<{ id: number }>(
          `SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id
           WHERE d.hook_id = $1 AND d.state = 'done' AND e.created_at >= $2 AND ($3::text IS NULL OR e.created_at < $3)
             AND NOT (d.status_code BETWEEN ${SUCCESS.min} AND ${SUCCESS.max})
             AND d.id = (SELECT max(y.id) FROM deliveries y WHERE y.event_id = d.event_id AND y.hook_id = d.hook_id AND y.state = 'done')
           ORDER BY d.event_id LIMIT $4`,
          [hookId, since, until, limit + 1],
        );
        const ids = rows.slice(0, limit).map((r) => r.id);
        if (ids.length > 0) {
          await q.query(
            `INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at, attempt, kind)
             SELECT hook_id, event_id, guid, event, action, repository_id, TRUE, $1, $2,
               (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'manual'
             FROM deliveries d WHERE d.id = ANY($3::bigint[]) ORDER BY d.id`,
            [dueAt, now, ids],
          );
          await q.query(`SELECT pg_notify('${channel}', '')`);
        }
        return { queued: ids.length, truncated: rows.length > limit };
      });
    },

    async claimDue(request) {
      const window = windowSize(request.limit);
      const first = await claimWith(WINDOW_CLAIM_SQL, [...claimParams(request), window]);
      if (!needsHookByHook(first.windowRows, first.claimed.length, request.limit)) return first.claimed.sort(byId);
      const rest = request.limit - first.claimed.length;
      const more = await claimWith(HOOK_BY_HOOK_CLAIM_SQL, claimParams({ ...request, limit: rest }));
      return [...first.claimed, ...more.claimed].sort(byId);
    },

    async loadPayloads(eventIds) {
      const { rows } = await queue.query<{ id: number; payload: string }>(
        'SELECT id, payload FROM events WHERE id = ANY($1::bigint[])',
        [[...new Set(eventIds)]],
      );
      return new Map(rows.map((r) => [r.id, r.payload]));
    },

    completeDelivery: batchedCompletions(queue),

    async cancelPendingAttempts(hookId) {
      const { rowCount } = await db.query(
        "DELETE FROM deliveries WHERE hook_id = $1 AND state = 'pending' AND lease_owner IS NULL",
        [hookId],
      );
      return rowCount ?? 0;
    },

    async releaseClaims(worker) {
      const { rowCount } = await queue.query(
        "UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND state = 'pending'",
        [worker],
      );
      if (rowCount) await queue.query(`SELECT pg_notify('${channel}', '')`);
      return rowCount ?? 0;
    },

    async nextDueAt() {
      // Through the indexes: the earliest unleased due time, and the earliest lease to expire (few rows),
      // so waiting attempts are never read one by one.
      const { rows } = await queue.query<{ next: number | null }>(
        `SELECT least(
           (SELECT min(due_at) FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL),
           (SELECT min(greatest(lease_until, due_at)) FROM deliveries WHERE state = 'pending' AND lease_owner IS NOT NULL)) AS next`,
        [],
      );
      return rows[0]?.next ?? null;
    },

    async listDeliveries(q) {
      const where = ['hook_id = $1', "state = 'done'"];
      const params: unknown[] = [q.hookId];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (q.before !== undefined) add('id < ?', q.before);
      if (q.after !== undefined) add('id > ?', q.after);
      const listedAsSuccess = `status_code BETWEEN ${LISTED_AS_SUCCESS.min} AND ${LISTED_AS_SUCCESS.max}`;
      if (q.status === 'success') where.push(listedAsSuccess);
      if (q.status === 'failure') where.push(`NOT (${listedAsSuccess})`);
      if (q.redelivery !== undefined) add('redelivery = ?', q.redelivery);
      const order = q.after !== undefined ? 'ASC' : 'DESC';
      params.push(q.owner.type, q.owner.id);
      // The LIMIT is written into the text, not bound: PostgreSQL costs a generic plan's `LIMIT $n` as
      // a tenth of the rows, so it would plan every call afresh across all the log's partitions; with a
      // literal limit the prepared statement settles on its generic plan (a page size is 1–101).
      // The hook's row leads, so no row means no such hook, and one row of NULLs an empty log.
      const { rows } = await db.query<DeliveryRow>(
        `SELECT d.* FROM hooks h LEFT JOIN LATERAL (
           SELECT ${SUMMARY_COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT ${pageLimit(q.limit)}
         ) d ON TRUE
         WHERE h.id = $1 AND h.owner_type = $${params.length - 1} AND h.owner_id = $${params.length}`,
        params,
      );
      if (rows.length === 0) return null;
      const page = rows.filter((r) => r.id !== null);
      if (order === 'ASC') page.reverse();
      return page.map(toSummary);
    },

    async findDelivery(hookId, id) {
      const { rows } = await db.query<DeliveryRow & { payload: string }>(
        `SELECT d.*, e.payload FROM deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.id = $1 AND d.hook_id = $2 AND d.state = 'done'`,
        [id, hookId],
      );
      const row = rows[0];
      if (!row) return null;
      return toDetail(row);
    },

    async prepareDays(now) {
      await makeDays(db, now);
    },

    async pruneDeliveries(before) {
      // Whole days of the log go as partitions; what is left before `before` (in the DEFAULT partition, or
      // in a day that `before` cuts) goes row by row. Pending rows are in no day.
      const dropped = await dropPastDays(db, before);
      return db.transaction(async (q) => {
        const { rowCount } = await q.query("DELETE FROM deliveries WHERE state = 'done' AND created_at < $1", [before]);
        await q.query(
          `DELETE FROM events e WHERE e.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
             AND (e.event <> 'push' OR e.repository_id IS NULL OR EXISTS (
               SELECT 1 FROM events x WHERE x.event = 'push' AND x.repository_id = e.repository_id AND x.id > e.id))`,
          [before],
        );
        return dropped + (rowCount ?? 0);
      });
    },
  };
}

/** A listing's row limit as SQL text: only a positive integer is ever written into a statement. */
function pageLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`invalid page limit ${limit}`);
  return limit;
}

const byId = (a: ClaimedDelivery, b: ClaimedDelivery): number => a.id - b.id;
