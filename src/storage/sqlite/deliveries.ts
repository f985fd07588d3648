// Events and the delivery queue on SQLite: fan-out in one transaction, leased claims, conditional completion.
import type { Database } from 'better-sqlite3';
import type { ClaimedDelivery, DeliveryDetail, DeliveryStore, DeliverySummary } from '../delivery-store.js';
import { toHook, type HookRow } from './hooks.js';

interface DeliveryRow {
  id: number; hook_id: number; event_id: number; guid: string; event: string; action: string | null;
  repository_id: number | null; redelivery: number; url: string | null; status: string | null;
  status_code: number | null; duration: number | null; delivered_at: string | null;
  request_headers: string | null; response_headers: string | null; response_body: string | null;
}

const SUMMARY_COLUMNS = `id, guid, event, action, repository_id, redelivery, url, status, status_code, duration, delivered_at`;

function toSummary(r: DeliveryRow): DeliverySummary {
  return {
    id: r.id, guid: r.guid, deliveredAt: r.delivered_at!, redelivery: r.redelivery === 1, duration: r.duration!,
    status: r.status!, statusCode: r.status_code!, event: r.event, action: r.action, repositoryId: r.repository_id,
    url: r.url ?? '',
  };
}

export function sqliteDeliveries(db: Database): DeliveryStore {
  const insertEvent = db.prepare(`INSERT INTO events (guid, event, action, repository_id, organization_id, payload, created_at)
                                  VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertDelivery = db.prepare(`INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id,
                                       redelivery, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const activeHooksOf = db.prepare('SELECT * FROM hooks WHERE owner_type = ? AND owner_id = ? AND active = 1 ORDER BY id');
  const hookById = db.prepare('SELECT * FROM hooks WHERE id = ?');
  const claim = db.prepare(`UPDATE deliveries SET lease_owner = @worker, lease_until = @leaseUntil, attempts = attempts + 1
    WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND due_at <= @now
                   AND (lease_until IS NULL OR lease_until < @now) ORDER BY due_at, id LIMIT @limit)
    RETURNING id, hook_id, event_id, guid, event, action, redelivery`);
  const complete = db.prepare(`UPDATE deliveries SET state = 'done', url = @url, status = @status,
      status_code = @statusCode, duration = @duration, delivered_at = @deliveredAt, request_headers = @requestHeaders,
      response_headers = @responseHeaders, response_body = @responseBody, lease_owner = NULL, lease_until = NULL
    WHERE id = @id AND lease_owner = @worker AND state = 'pending'`);
  const setLast = db.prepare('UPDATE hooks SET last_code = ?, last_status = ?, last_message = ? WHERE id = (SELECT hook_id FROM deliveries WHERE id = ?)');

  return {
    async acceptEvent(e, fanOut, dueAt) {
      return db.transaction(() => {
        const eventId = Number(insertEvent.run(e.guid, e.event, e.action, e.repositoryId, e.organizationId, e.payload, e.now).lastInsertRowid);
        let deliveries = 0;
        for (const owner of fanOut.owners) {
          for (const row of activeHooksOf.all(owner.type, owner.id) as HookRow[]) {
            if (!fanOut.accepts(toHook(row))) continue;
            insertDelivery.run(row.id, eventId, e.guid, e.event, e.action, e.repositoryId, 0, dueAt, e.now);
            deliveries++;
          }
        }
        if (fanOut.rememberAsLatestPush && e.repositoryId !== null) {
          db.prepare(`INSERT INTO latest_pushes (repository_id, event_id) VALUES (?, ?)
                      ON CONFLICT (repository_id) DO UPDATE SET event_id = excluded.event_id`).run(e.repositoryId, eventId);
        }
        return { eventId, deliveries };
      }).immediate();
    },

    async findLatestPush(repositoryId) {
      const row = db.prepare(`SELECT e.payload, e.action FROM latest_pushes p JOIN events e ON e.id = p.event_id
                              WHERE p.repository_id = ?`).get(repositoryId) as { payload: string; action: string | null } | undefined;
      return row ?? null;
    },

    async insertRedelivery(hookId, deliveryId, now, dueAt) {
      const info = db.prepare(`INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, due_at, created_at)
          SELECT hook_id, event_id, guid, event, action, repository_id, 1, ?, ? FROM deliveries
          WHERE id = ? AND hook_id = ? AND state = 'done'`).run(dueAt, now, deliveryId, hookId);
      return info.changes > 0 ? Number(info.lastInsertRowid) : null;
    },

    async claimDue(worker, now, leaseUntil, limit) {
      return db.transaction(() => {
        const rows = claim.all({ worker, now, leaseUntil, limit }) as DeliveryRow[];
        const claimed: ClaimedDelivery[] = [];
        for (const r of rows) {
          const hook = hookById.get(r.hook_id) as HookRow | undefined;
          if (!hook) continue;
          claimed.push({
            id: r.id, guid: r.guid, event: r.event, action: r.action, redelivery: r.redelivery === 1,
            eventId: r.event_id, hook: toHook(hook),
          });
        }
        return claimed.sort((a, b) => a.id - b.id);
      }).immediate();
    },

    async loadPayloads(eventIds) {
      const unique = [...new Set(eventIds)];
      const map = new Map<number, string>();
      const stmt = db.prepare('SELECT payload FROM events WHERE id = ?').pluck();
      for (const id of unique) map.set(id, stmt.get(id) as string);
      return map;
    },

    async completeDelivery(id, worker, o) {
      return db.transaction(() => {
        const info = complete.run({
          id, worker, url: o.url, status: o.status, statusCode: o.statusCode, duration: o.duration,
          deliveredAt: o.deliveredAt, requestHeaders: JSON.stringify(o.requestHeaders),
          responseHeaders: o.responseHeaders === null ? null : JSON.stringify(o.responseHeaders),
          responseBody: o.responseBody,
        });
        if (info.changes === 0) return false;
        const ok = o.statusCode >= 200 && o.statusCode < 300;
        setLast.run(o.statusCode, ok ? 'active' : 'failed', o.status, id);
        return true;
      }).immediate();
    },

    async releaseClaims(worker) {
      return db.prepare(`UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
                         WHERE lease_owner = ? AND state = 'pending'`).run(worker).changes;
    },

    async nextDueAt() {
      const v = db.prepare(`SELECT min(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until ELSE due_at END)
                            FROM deliveries WHERE state = 'pending'`).pluck().get() as number | null;
      return v ?? null;
    },

    async listenForDue() {
      return async () => undefined;
    },

    async listDeliveries(q) {
      const where = ['hook_id = @hookId', "state = 'done'"];
      if (q.before !== undefined) where.push('id < @before');
      if (q.after !== undefined) where.push('id > @after');
      if (q.status === 'success') where.push('status_code BETWEEN 200 AND 399');
      if (q.status === 'failure') where.push('NOT (status_code BETWEEN 200 AND 399)');
      if (q.redelivery !== undefined) where.push('redelivery = @redelivery');
      // Walking towards newer rows (a "prev" page) reads ascending, then flips to newest-first.
      const order = q.after !== undefined ? 'ASC' : 'DESC';
      const rows = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM deliveries WHERE ${where.join(' AND ')}
                               ORDER BY id ${order} LIMIT @limit`)
        .all({ hookId: q.hookId, before: q.before, after: q.after, limit: q.limit, redelivery: q.redelivery ? 1 : 0 }) as DeliveryRow[];
      if (order === 'ASC') rows.reverse();
      return rows.map(toSummary);
    },

    async findDelivery(hookId, id) {
      const row = db.prepare(`SELECT d.*, e.payload FROM deliveries d JOIN events e ON e.id = d.event_id
                              WHERE d.id = ? AND d.hook_id = ? AND d.state = 'done'`).get(id, hookId) as
        (DeliveryRow & { payload: string }) | undefined;
      if (!row) return null;
      const detail: DeliveryDetail = {
        ...toSummary(row),
        requestHeaders: JSON.parse(row.request_headers ?? '{}'),
        payload: row.payload,
        responseHeaders: row.response_headers === null ? null : JSON.parse(row.response_headers),
        responseBody: row.response_body,
      };
      return detail;
    },

    async pruneDeliveries(before) {
      return db.transaction(() => {
        const removed = db.prepare("DELETE FROM deliveries WHERE state = 'done' AND created_at < ?").run(before).changes;
        db.prepare(`DELETE FROM events WHERE created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)
                      AND NOT EXISTS (SELECT 1 FROM latest_pushes p WHERE p.event_id = events.id)`).run(before);
        return removed;
      }).immediate();
    },
  };
}
