// Recording delivery outcomes on PostgreSQL in batches. Rule: one batch at a time per process, holding
// every outcome that arrived while the previous one ran, in one transaction, locking each hook in the
// batch once (in id order) and writing its last_response only when it changes, so completions of a busy
// hook do not queue one by one on its row lock. A batch waiting on a hook row holds up this process's
// recording until it gets the lock.
import type { AttemptFollowUp, DeliveryOutcome } from '../../domain/deliveries.js';
import { defaultFollowUp } from '../follow-up.js';
import { Unavailable } from '../../domain/errors.js';
import { isConnectionError, type Db, type Queryable } from './db.js';

/** Errors that say nothing about the rows of a batch: storing them one by one would not help. */
export function isTransient(err: unknown): boolean {
  return err instanceof Unavailable || isConnectionError(err) || (err as { code?: string }).code === '57014';
}

interface Pending {
  id: number;
  worker: string;
  outcome: DeliveryOutcome;
  followUp: AttemptFollowUp;
  resolve(recorded: boolean): void;
  reject(err: unknown): void;
}

/** `completeDelivery` for PostgreSQL: resolves with whether the worker still held the lease. */
export function batchedCompletions(db: Db): (id: number, worker: string, outcome: DeliveryOutcome, followUp?: AttemptFollowUp) => Promise<boolean> {
  let queue: Pending[] = [];
  let running = false;

  const flush = async () => {
    if (running || queue.length === 0) return;
    running = true;
    const items = queue;
    queue = [];
    // One batch per worker (the lease condition names it) and per delivery id (a row is updated once
    // per statement); anything else waits for the next batch.
    const batch: Pending[] = [];
    const ids = new Set<number>();
    for (const item of items) {
      if (item.worker === items[0].worker && !ids.has(item.id)) {
        batch.push(item);
        ids.add(item.id);
      } else {
        queue.push(item);
      }
    }
    await record(batch);
    running = false;
    void flush();
  };

  const record = async (batch: Pending[]): Promise<void> => {
    try {
      const recorded = await db.transaction((q) => completeAll(q, batch));
      for (const item of batch) item.resolve(recorded.has(item.id));
    } catch (err) {
      // The database is away: every outcome fails alike, and the worker retries them.
      if (batch.length === 1 || isTransient(err)) {
        for (const item of batch) item.reject(err);
        return;
      }
      // Something in the batch failed and all of it rolled back: record each alone, one after another
      // (not a transaction each at once against the pool), so only the outcome that fails is answered
      // with its error.
      for (const item of batch) await record([item]);
    }
  };

  return (id, worker, outcome, followUp = defaultFollowUp(outcome)) =>
    new Promise<boolean>((resolve, reject) => {
      if (queue.push({ id, worker, outcome, followUp, resolve, reject }) === 1) setImmediate(() => void flush());
    });
}

/** Records the batch's outcomes; returns the ids whose lease the worker still held. */
async function completeAll(q: Queryable, batch: Pending[]): Promise<Set<number>> {
  const column = <T>(f: (o: DeliveryOutcome) => T) => batch.map((b) => f(b.outcome));
  const text = (f: (o: DeliveryOutcome) => string | null) => column((o) => withoutNul(f(o)));
  // A completed attempt leaves the queue (deliveries_pending) for its day of the log: deleted there and
  // inserted here, with every column of deliveries (one added by a migration is added here too). Not an
  // UPDATE of state: a row an UPDATE moves between partitions fails a concurrent claim that meets it
  // ("already moved to another partition"), where a deleted row is skipped, as SKIP LOCKED means.
  const { rows } = await q.query<{ id: number; hook_id: number; ord: number }>(
    `WITH done AS (
       DELETE FROM deliveries d
       USING unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[], $11::text[])
         WITH ORDINALITY AS i(id, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body,
           next_attempt_at, ord)
       WHERE d.id = i.id AND d.lease_owner = $10 AND d.state = 'pending'
       RETURNING d.id, d.hook_id, d.event_id, d.guid, d.event, d.action, d.repository_id, d.redelivery, d.due_at, d.attempts, d.created_at,
         d.attempt, d.kind, d.retry_index, i.url, i.status, i.status_code, i.duration, i.delivered_at, i.request_headers,
         i.response_headers, i.response_body, i.next_attempt_at, i.ord),
     logged AS (
       INSERT INTO deliveries (id, hook_id, event_id, guid, event, action, repository_id, redelivery, state, due_at, lease_owner, lease_until,
         attempts, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at,
         attempt, kind, retry_index, next_attempt_at)
       SELECT id, hook_id, event_id, guid, event, action, repository_id, redelivery, 'done', due_at, NULL, NULL,
         attempts, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at,
         attempt, kind, retry_index, next_attempt_at
       FROM done)
     SELECT id, hook_id, ord FROM done`,
    [
      batch.map((b) => b.id), column((o) => o.url), text((o) => o.status), column((o) => o.statusCode),
      column((o) => o.duration), column((o) => o.deliveredAt), text((o) => JSON.stringify(o.requestHeaders)),
      text((o) => (o.responseHeaders === null ? null : JSON.stringify(o.responseHeaders))), text((o) => o.responseBody),
      batch[0].worker, batch.map((b) => b.followUp.next?.dueAtText ?? null),
    ],
  );
  if (rows.length === 0) return new Set();
  const recorded = rows.map((r) => batch[r.ord - 1]);
  // The next automatic attempts, as pending rows of the same event, hook and guid.
  const retries = recorded.filter((b) => b.followUp.next !== null);
  if (retries.length > 0) {
    await q.query(
      `INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at, attempt, kind, retry_index)
       SELECT d.hook_id, d.event_id, d.guid, d.event, d.action, d.repository_id, TRUE, n.due_at, d.delivered_at,
         (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'retry', n.retry_index
       FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS n(id, due_at, retry_index) JOIN deliveries d ON d.id = n.id`,
      [retries.map((b) => b.id), retries.map((b) => b.followUp.next!.dueAt), retries.map((b) => b.followUp.next!.retryIndex)],
    );
  }
  // A success ends the event's scheduled automatic attempts to the hook (when the policy says some may exist).
  const succeeded = recorded.filter((b) => b.followUp.cancelRetries).map((b) => b.id);
  if (succeeded.length > 0) {
    await q.query(
      `DELETE FROM deliveries p USING deliveries d WHERE d.id = ANY($1::bigint[]) AND p.event_id = d.event_id AND p.hook_id = d.hook_id
         AND p.state = 'pending' AND p.kind = 'retry' AND p.lease_owner IS NULL`,
      [succeeded],
    );
  }
  // A hook's last_response is its latest outcome in the batch (batch order is completion order).
  const latest = new Map<number, AttemptFollowUp>();
  for (const r of [...rows].sort((a, b) => a.ord - b.ord)) latest.set(r.hook_id, batch[r.ord - 1].followUp);
  const hookIds = [...latest.keys()].sort((a, b) => a - b);
  const followUps = hookIds.map((id) => latest.get(id)!);
  const values = [
    hookIds, followUps.map((f) => f.lastResponse.code), followUps.map((f) => f.lastResponse.status),
    followUps.map((f) => withoutNul(f.lastResponse.message)), followUps.map((f) => f.success), followUps.map((f) => f.at),
  ];
  // The batch's hooks are locked in id order (two processes never deadlock), then, in the same
  // statement, only those whose last_response changes are updated (a receiver that keeps answering 200
  // costs no new row version). The comparison is rechecked on the locked rows' latest versions, so
  // another process's newer outcome is never skipped.
  await q.query(
    `WITH locked AS MATERIALIZED (SELECT id FROM hooks WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE)
     UPDATE hooks h SET last_code = l.code, last_status = l.last_status, last_message = l.message,
       failing_since = CASE WHEN l.success THEN NULL ELSE coalesce(h.failing_since, l.at) END
     FROM locked, unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::boolean[], $6::bigint[]) AS l(id, code, last_status, message, success, at)
     WHERE h.id = locked.id AND h.id = l.id AND ((h.last_code, h.last_status, h.last_message) IS DISTINCT FROM (l.code, l.last_status, l.message)
       OR (l.success AND h.failing_since IS NOT NULL) OR (NOT l.success AND h.failing_since IS NULL))`,
    values,
  );
  const disabling = hookIds.map((id) => [id, latest.get(id)!.disable] as const).filter(([, d]) => d !== null);
  if (disabling.length > 0) {
    const { rows: disabled } = await q.query<{ id: number }>(
      `UPDATE hooks h SET active = FALSE, last_code = l.code, last_status = l.last_status, last_message = l.message
       FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[]) AS l(id, failing_since, code, last_status, message)
       WHERE h.id = l.id AND h.active AND h.failing_since <= l.failing_since RETURNING h.id`,
      [
        disabling.map(([id]) => id), disabling.map(([, d]) => d!.failingSince), disabling.map(([, d]) => d!.lastResponse.code),
        disabling.map(([, d]) => d!.lastResponse.status), disabling.map(([, d]) => d!.lastResponse.message),
      ],
    );
    if (disabled.length > 0) {
      await q.query(`DELETE FROM deliveries WHERE hook_id = ANY($1::bigint[]) AND state = 'pending' AND lease_owner IS NULL`, [disabled.map((r) => r.id)]);
    }
  }
  return new Set(rows.map((r) => r.id));
}

/**
 * PostgreSQL text cannot hold U+0000, and a receiver may answer with it: such an outcome could never be
 * recorded, and its delivery would be sent again at every lease expiry. It is stored as U+FFFD.
 */
function withoutNul(value: string | null): string | null {
  return value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
