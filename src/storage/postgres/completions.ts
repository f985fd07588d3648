// Recording delivery outcomes on PostgreSQL in batches. Rule: one batch at a time per process, holding
// every outcome that arrived while the previous one ran, in one statement (COMPLETE), locking each hook in the
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
      // One statement commits on its own; disabling a hook reads what that statement wrote, so a batch
      // that may disable one runs both in a transaction.
      const disabling = batch.some((b) => b.followUp.disable !== null);
      const recorded = disabling ? await db.transaction((q) => completeAll(q, batch, true)) : await completeAll(db, batch, false);
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

/**
 * Records a batch of outcomes in one statement (so one round trip and one commit): the attempts whose
 * lease the worker still holds leave the queue (deliveries_pending) for their day of the log, deleted
 * there and inserted here with every column of deliveries (one added by a migration is added here too).
 * Not an UPDATE of state: a row an UPDATE moves between partitions fails a concurrent claim that meets
 * it ("already moved to another partition"), where a deleted row is skipped, as SKIP LOCKED means.
 * In the same statement: the next automatic attempts as pending rows of the same event, hook and guid,
 * unless an attempt of that event to that hook succeeded; where the policy says a success may have
 * scheduled attempts to end (`cancelRetries`), those of that event to that hook are deleted; and each
 * hook's last_response, its latest outcome in the batch (batch order is completion order).
 * The batch's hooks are locked in id order (two processes never deadlock), and only those whose
 * last_response changes are updated (a receiver that keeps answering 200 costs no new row version);
 * the comparison is rechecked on the locked rows' latest versions, so another process's newer outcome
 * is never skipped. Every part reads the statement's snapshot, so none sees another's rows. The
 * queue's rows are found by id (the batch's ids, through the primary key), not by lease, and the input
 * is read once (MATERIALIZED): a plan that unnests the arrays again for every leased row costs
 * O(batch × leases).
 */
const COMPLETE = `
WITH i AS MATERIALIZED (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[],
      $11::text[], $12::bigint[], $13::int[], $14::boolean[], $15::int[], $16::text[], $17::text[], $18::bigint[], $19::boolean[])
    WITH ORDINALITY AS i(id, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body,
      next_attempt_at, next_due_at, next_retry_index, success, last_code, last_status, last_message, at, cancel_retries, ord)),
done AS (
  DELETE FROM deliveries d USING i
  WHERE d.id = ANY($1::bigint[]) AND d.id = i.id AND d.lease_owner = $10 AND d.state = 'pending'
  RETURNING d.id, d.hook_id, d.event_id, d.guid, d.event, d.action, d.repository_id, d.redelivery, d.due_at, d.attempts, d.created_at,
    d.attempt, d.kind, d.retry_index, i.url, i.status, i.status_code, i.duration, i.delivered_at, i.request_headers,
    i.response_headers, i.response_body, i.next_attempt_at, i.next_due_at, i.next_retry_index, i.success, i.last_code,
    i.last_status, i.last_message, i.at, i.cancel_retries, i.ord),
logged AS (
  INSERT INTO deliveries (id, hook_id, event_id, guid, event, action, repository_id, redelivery, state, due_at, lease_owner, lease_until,
    attempts, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at,
    attempt, kind, retry_index, next_attempt_at)
  SELECT id, hook_id, event_id, guid, event, action, repository_id, redelivery, 'done', due_at, NULL, NULL,
    attempts, url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at,
    attempt, kind, retry_index, next_attempt_at
  FROM done),
succeeded AS (SELECT DISTINCT event_id, hook_id FROM done WHERE success),
retried AS (
  INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at, attempt, kind, retry_index)
  SELECT d.hook_id, d.event_id, d.guid, d.event, d.action, d.repository_id, TRUE, d.next_due_at, d.delivered_at,
    (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'retry', d.next_retry_index
  FROM done d WHERE d.next_due_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM succeeded s WHERE s.event_id = d.event_id AND s.hook_id = d.hook_id)
  ORDER BY d.ord),
cancelled AS (
  DELETE FROM deliveries p USING (SELECT DISTINCT event_id, hook_id FROM done WHERE cancel_retries) s
  WHERE p.event_id = s.event_id AND p.hook_id = s.hook_id AND p.state = 'pending' AND p.kind = 'retry' AND p.lease_owner IS NULL),
latest AS (SELECT DISTINCT ON (hook_id) * FROM done ORDER BY hook_id, ord DESC),
locked AS MATERIALIZED (SELECT id FROM hooks WHERE id IN (SELECT hook_id FROM latest) ORDER BY id FOR UPDATE),
touched AS (
  UPDATE hooks h SET last_code = l.last_code, last_status = l.last_status, last_message = l.last_message,
    failing_since = CASE WHEN l.success THEN NULL ELSE coalesce(h.failing_since, l.at) END
  FROM locked, latest l
  WHERE h.id = locked.id AND h.id = l.hook_id AND ((h.last_code, h.last_status, h.last_message) IS DISTINCT FROM (l.last_code, l.last_status, l.last_message)
    OR (l.success AND h.failing_since IS NOT NULL) OR (NOT l.success AND h.failing_since IS NULL)))
SELECT id, hook_id, ord FROM done`;

/** Records the batch's outcomes (`inTransaction`: `q` is a transaction, which may disable hooks); returns the ids whose lease the worker still held. */
async function completeAll(q: Queryable, batch: Pending[], inTransaction: boolean): Promise<Set<number>> {
  const column = <T>(f: (o: DeliveryOutcome) => T) => batch.map((b) => f(b.outcome));
  const text = (f: (o: DeliveryOutcome) => string | null) => column((o) => withoutNul(f(o)));
  const follow = <T>(f: (u: AttemptFollowUp) => T) => batch.map((b) => f(b.followUp));
  const { rows } = await q.query<{ id: number; hook_id: number; ord: number }>(COMPLETE, [
    batch.map((b) => b.id), column((o) => o.url), text((o) => o.status), column((o) => o.statusCode),
    column((o) => o.duration), column((o) => o.deliveredAt), text((o) => JSON.stringify(o.requestHeaders)),
    text((o) => (o.responseHeaders === null ? null : JSON.stringify(o.responseHeaders))), text((o) => o.responseBody),
    batch[0].worker, follow((u) => u.next?.dueAtText ?? null), follow((u) => u.next?.dueAt ?? null), follow((u) => u.next?.retryIndex ?? null),
    follow((u) => u.success), follow((u) => u.lastResponse.code), follow((u) => u.lastResponse.status),
    follow((u) => withoutNul(u.lastResponse.message)), follow((u) => u.at), follow((u) => u.cancelRetries),
  ]);
  if (rows.length === 0 || !inTransaction) return new Set(rows.map((r) => r.id));
  // Hooks the policy disables: each hook's latest outcome in the batch decides.
  const latest = new Map<number, AttemptFollowUp>();
  for (const r of [...rows].sort((a, b) => a.ord - b.ord)) latest.set(r.hook_id, batch[r.ord - 1].followUp);
  const disabling = [...latest].filter(([, f]) => f.disable !== null).map(([id, f]) => [id, f.disable!] as const);
  if (disabling.length > 0) {
    const { rows: disabled } = await q.query<{ id: number }>(
      `UPDATE hooks h SET active = FALSE, last_code = l.code, last_status = l.last_status, last_message = l.message
       FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[]) AS l(id, failing_since, code, last_status, message)
       WHERE h.id = l.id AND h.active AND h.failing_since <= l.failing_since RETURNING h.id`,
      [
        disabling.map(([id]) => id), disabling.map(([, d]) => d.failingSince), disabling.map(([, d]) => d.lastResponse.code),
        disabling.map(([, d]) => d.lastResponse.status), disabling.map(([, d]) => d.lastResponse.message),
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
