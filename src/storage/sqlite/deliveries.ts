// Events and the delivery queue on SQLite: fan-out in one transaction, leased claims, conditional completion.
// The queue's writes (accepting events, claiming, recording outcomes) are group-committed: whatever
// arrives in one turn of the event loop runs in one IMMEDIATE transaction, and every caller is answered
// only after that commit, because on this engine a commit costs more than the statements in it.
import type { Database, Statement } from 'better-sqlite3';
import { fanOutReaches, type AttemptFollowUp, type FanOut, type NewEvent } from '../../domain/deliveries.js';
import { LISTED_AS_SUCCESS, SUCCESS } from '../../domain/delivery-policy.js';
import { defaultFollowUp } from '../follow-up.js';
import type { ClaimRequest, DeliveryOutcome, DeliveryStore } from '../delivery-store.js';
import { SUMMARY_COLUMNS, toDetail, toSummary, type DeliveryRow } from '../delivery-row.js';
import type { HookCache } from './hook-cache.js';
import { sqliteClaim } from './claim.js';

/** One write waiting for the next group commit. */
interface Work {
  run(): unknown;
  resolve(value: any): void;
  reject(err: unknown): void;
}

export function sqliteDeliveries(db: Database, hooks: HookCache): DeliveryStore {
  const hookOfOwner = db.prepare('SELECT 1 FROM hooks WHERE id = ? AND owner_type = ? AND owner_id = ?').pluck();
  const insertEvent = db.prepare(`INSERT INTO events (guid, event, action, repository_id, organization_id, payload, created_at)
                                  VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guid) DO NOTHING`);
  const storedEvent = db.prepare(`SELECT e.id, (SELECT count(*) FROM deliveries d WHERE d.event_id = e.id AND d.redelivery = 0) AS deliveries
                                  FROM events e WHERE e.guid = ?`);
  const insertDelivery = db.prepare(`INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at)
                                     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`);
  const complete = db.prepare(`UPDATE deliveries SET state = 'done', url = @url, status = @status,
      status_code = @statusCode, duration = @duration, delivered_at = @deliveredAt, request_headers = @requestHeaders,
      response_headers = @responseHeaders, response_body = @responseBody, lease_owner = NULL, lease_until = NULL,
      next_attempt_at = @nextAttemptAt
    WHERE id = @id AND lease_owner = @worker AND state = 'pending' RETURNING hook_id`).pluck();
  // The next automatic attempt: a pending row of the same event, hook and guid.
  const insertRetry = db.prepare(`INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery,
        due_at, created_at, attempt, kind, retry_index)
      SELECT hook_id, event_id, guid, event, action, repository_id, 1, @dueAt, @now,
        (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'retry', @retryIndex
      FROM deliveries d WHERE d.id = @id`);
  // The event's scheduled automatic attempts to the hook, ended by a success (when the policy says some may exist).
  const cancelRetries = db.prepare(`DELETE FROM deliveries WHERE state = 'pending' AND kind = 'retry' AND lease_owner IS NULL
      AND (event_id, hook_id) = (SELECT event_id, hook_id FROM deliveries WHERE id = ?)`);
  const setLast = db.prepare(`UPDATE hooks SET last_code = @code, last_status = @status, last_message = @message,
      failing_since = CASE WHEN @success THEN NULL ELSE coalesce(failing_since, @at) END WHERE id = @hookId`);
  const disableHook = db.prepare(`UPDATE hooks SET active = 0, last_code = @code, last_status = @status, last_message = @message
      WHERE id = @hookId AND active = 1 AND failing_since <= @failingSince`);
  const cancelPending = db.prepare(`DELETE FROM deliveries WHERE hook_id = ? AND state = 'pending' AND lease_owner IS NULL`);
  const claimDueWork = sqliteClaim(db, hooks);
  const latestPush = db.prepare(`SELECT payload, action FROM events WHERE repository_id = ? AND event = 'push' ORDER BY id DESC LIMIT 1`);
  const redeliver = db.prepare(`INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at,
        attempt, kind)
      SELECT hook_id, event_id, guid, event, action, repository_id, 1, ?, ?,
        (SELECT max(x.attempt) FROM deliveries x WHERE x.event_id = d.event_id AND x.hook_id = d.hook_id) + 1, 'manual'
      FROM deliveries d WHERE id = ? AND hook_id = ? AND state = 'done'`);
  // Each event's latest recorded attempt to the hook, in the window, when it failed.
  const failedLatest = db.prepare(`SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id
      WHERE d.hook_id = @hookId AND d.state = 'done' AND e.created_at >= @since AND (@until IS NULL OR e.created_at < @until)
        AND NOT (d.status_code BETWEEN ${SUCCESS.min} AND ${SUCCESS.max})
        AND d.id = (SELECT max(y.id) FROM deliveries y WHERE y.event_id = d.event_id AND y.hook_id = d.hook_id AND y.state = 'done')
      ORDER BY d.event_id LIMIT @limit`).pluck();
  const payloadById = db.prepare('SELECT payload FROM events WHERE id = ?').pluck();
  const release = db.prepare(`UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
                              WHERE lease_owner = ? AND state = 'pending'`);
  // Through the indexes: the earliest unleased due time, and the earliest lease to expire (few rows), so
  // waiting attempts are never read one by one.
  const nextDue = db.prepare(`SELECT min(t) FROM (
      SELECT min(due_at) AS t FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL
      UNION ALL SELECT min(max(lease_until, due_at)) FROM deliveries WHERE state = 'pending' AND lease_owner IS NOT NULL)`).pluck();
  const detailById = db.prepare(`SELECT d.*, e.payload FROM deliveries d JOIN events e ON e.id = d.event_id
                                 WHERE d.id = ? AND d.hook_id = ? AND d.state = 'done'`);
  /** Listing statements by their WHERE/ORDER shape (a handful of variants). */
  const listings = new Map<string, Statement>();

  function acceptEventWork(e: NewEvent, fanOut: FanOut, dueAt: number) {
    const inserted = insertEvent.run(e.guid, e.event, e.action, e.repositoryId, e.organizationId, e.payload, e.now);
    if (inserted.changes === 0) {
      const stored = storedEvent.get(e.guid) as { id: number; deliveries: number };
      return { eventId: stored.id, deliveries: stored.deliveries };
    }
    const eventId = Number(inserted.lastInsertRowid);
    let deliveries = 0;
    for (const owner of fanOut.owners) {
      for (const hook of hooks.activeHooksOf(owner)) {
        if (!fanOutReaches(fanOut, hook)) continue;
        deliveries++;
        insertDelivery.run(hook.id, eventId, e.guid, e.event, e.action, e.repositoryId, dueAt, e.now);
      }
    }
    return { eventId, deliveries };
  }

  // Rule: a hook's last_response is the outcome of its latest recorded delivery, so within one group
  // only the last one per hook is written, once, just before the commit (then any disabling).
  const lastResponses = new Map<number, AttemptFollowUp>();
  function recordOutcomeWork(params: { id: number } & Record<string, unknown>, followUp: AttemptFollowUp): boolean {
    const hookId = complete.get(params) as number | undefined;
    if (hookId === undefined) return false;
    if (followUp.next) insertRetry.run({ id: params.id, dueAt: followUp.next.dueAt, now: params.deliveredAt, retryIndex: followUp.next.retryIndex });
    if (followUp.cancelRetries) cancelRetries.run(params.id);
    lastResponses.delete(hookId); // re-inserted last, so the map keeps completion order
    lastResponses.set(hookId, followUp);
    return true;
  }
  function writeLastResponses() {
    for (const [hookId, f] of lastResponses) {
      setLast.run({ hookId, ...f.lastResponse, success: f.success ? 1 : 0, at: f.at });
      if (f.disable && disableHook.run({ hookId, failingSince: f.disable.failingSince, ...f.disable.lastResponse }).changes > 0) {
        cancelPending.run(hookId);
        hooks.invalidate();
      }
    }
    lastResponses.clear();
  }

  const runGroup = db.transaction(function groupCommit(items: Work[]) {
    const results = items.map((w) => w.run());
    writeLastResponses();
    return results;
  });
  const runAlone = db.transaction(function singleCommit(item: Work) {
    const result = item.run();
    writeLastResponses();
    return result;
  });

  let group: Work[] = [];
  const flushGroup = function flushGroup() {
    const items = group;
    group = [];
    let results: unknown[];
    try {
      results = runGroup.immediate(items);
    } catch {
      // Something in the group failed and all of it rolled back: run each write on its own, so only
      // the one that fails is answered with its error.
      lastResponses.clear();
      for (const w of items) {
        try {
          w.resolve(runAlone.immediate(w));
        } catch (err) {
          lastResponses.clear();
          w.reject(err);
        }
      }
      return;
    }
    items.forEach((w, i) => w.resolve(results[i]));
  };
  /** Queues a write for this turn's group commit (run by setImmediate); resolves once committed. */
  function grouped<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (group.push({ run, resolve, reject }) === 1) setImmediate(flushGroup);
    });
  }

  return {
    acceptEvent(event: NewEvent, fanOut: FanOut, dueAt: number) {
      return grouped(() => acceptEventWork(event, fanOut, dueAt));
    },

    async findLatestPush(repositoryId) {
      const row = latestPush.get(repositoryId) as { payload: string; action: string | null } | undefined;
      return row ?? null;
    },

    async insertRedelivery(hookId, deliveryId, now, dueAt) {
      const info = redeliver.run(dueAt, now, deliveryId, hookId);
      return info.changes > 0 ? Number(info.lastInsertRowid) : null;
    },

    async replayFailed({ hookId, since, until, limit, now, dueAt }) {
      return db.transaction(() => {
        const ids = failedLatest.all({ hookId, since, until, limit: limit + 1 }) as number[];
        for (const id of ids.slice(0, limit)) redeliver.run(dueAt, now, id, hookId);
        return { queued: Math.min(ids.length, limit), truncated: ids.length > limit };
      }).immediate();
    },

    claimDue(request: ClaimRequest) {
      return grouped(() => claimDueWork(request));
    },

    async loadPayloads(eventIds) {
      const unique = [...new Set(eventIds)];
      const map = new Map<number, string>();
      for (const id of unique) map.set(id, payloadById.get(id) as string);
      return map;
    },

    completeDelivery(id: number, worker: string, o: DeliveryOutcome, followUp = defaultFollowUp(o)) {
      const params = {
        id, worker, url: o.url, status: o.status, statusCode: o.statusCode, duration: o.duration,
        deliveredAt: o.deliveredAt, requestHeaders: JSON.stringify(o.requestHeaders),
        responseHeaders: o.responseHeaders === null ? null : JSON.stringify(o.responseHeaders),
        responseBody: o.responseBody, nextAttemptAt: followUp.next?.dueAtText ?? null,
      };
      return grouped(() => recordOutcomeWork(params, followUp));
    },

    async cancelPendingAttempts(hookId) {
      return grouped(() => cancelPending.run(hookId).changes);
    },

    async releaseClaims(worker) {
      return release.run(worker).changes;
    },

    async nextDueAt() {
      const v = nextDue.get() as number | null;
      return v ?? null;
    },

    async listenForDue() {
      return async () => undefined;
    },

    async listDeliveries(q) {
      if (hookOfOwner.get(q.hookId, q.owner.type, q.owner.id) === undefined) return null;
      const where = ['hook_id = @hookId', "state = 'done'"];
      if (q.before !== undefined) where.push('id < @before');
      if (q.after !== undefined) where.push('id > @after');
      const listedAsSuccess = `status_code BETWEEN ${LISTED_AS_SUCCESS.min} AND ${LISTED_AS_SUCCESS.max}`;
      if (q.status === 'success') where.push(listedAsSuccess);
      if (q.status === 'failure') where.push(`NOT (${listedAsSuccess})`);
      if (q.redelivery !== undefined) where.push('redelivery = @redelivery');
      // Walking towards newer rows (a "prev" page) reads ascending, then flips to newest-first.
      const order = q.after !== undefined ? 'ASC' : 'DESC';
      const sql = `SELECT ${SUMMARY_COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT @limit`;
      let stmt = listings.get(sql);
      if (!stmt) listings.set(sql, (stmt = db.prepare(sql)));
      const rows = stmt.all({ hookId: q.hookId, before: q.before, after: q.after, limit: q.limit, redelivery: q.redelivery ? 1 : 0 }) as DeliveryRow[];
      if (order === 'ASC') rows.reverse();
      return rows.map(toSummary);
    },

    async findDelivery(hookId, id) {
      const row = detailById.get(id, hookId) as
        (DeliveryRow & { payload: string }) | undefined;
      if (!row) return null;
      return toDetail(row);
    },

    async prepareDays() {
      // One table: every day has room already.
    },

    async pruneDeliveries(before) {
      return db.transaction(() => {
        // Through the events: a delivery is never older than its event, and events are indexed by age.
        const removed = db.prepare(`DELETE FROM deliveries WHERE state = 'done' AND created_at < @before
                                      AND event_id IN (SELECT id FROM events WHERE created_at < @before)`).run({ before }).changes;
        // A repository's latest push stays while it is the latest: the test endpoint re-sends it.
        db.prepare(`DELETE FROM events WHERE created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)
                      AND (event <> 'push' OR repository_id IS NULL OR EXISTS (
                        SELECT 1 FROM events x WHERE x.event = 'push' AND x.repository_id = events.repository_id AND x.id > events.id))`).run(before);
        return removed;
      }).immediate();
    },
  };
}
