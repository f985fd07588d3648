// The dashboard's sessions and aggregates on SQLite. The aggregates read the covering indexes
// deliveries_hook_delivered (by hook and time) and deliveries_delivered (by time).
import type { Database } from 'better-sqlite3';
import type { DashboardStore, HookAlert, HourlyHealth } from '../dashboard-store.js';
import { ALERTS_SQL } from '../dashboard-sql.js';
import { statementCache } from './statements.js';

/** 1 for a 2xx status: the one rule for success, as the worker records it. */
const OK = 'status_code BETWEEN 200 AND 299';

export function sqliteDashboard(db: Database): DashboardStore {
  const prepare = statementCache(db);
  return {
    async insertSession(idHash, s, now) {
      prepare('INSERT INTO dashboard_sessions (id_hash, user_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(idHash, s.userId, s.tokenHash, s.expiresAt, now);
    },
    async findSession(idHash, now) {
      const row = prepare('SELECT user_id, token_hash, expires_at FROM dashboard_sessions WHERE id_hash = ? AND expires_at > ?')
        .get(idHash, now) as { user_id: number; token_hash: string; expires_at: number } | undefined;
      return row ? { userId: row.user_id, tokenHash: row.token_hash, expiresAt: row.expires_at } : null;
    },
    async deleteSession(idHash) {
      prepare('DELETE FROM dashboard_sessions WHERE id_hash = ?').run(idHash);
    },
    async deleteExpiredSessions(now) {
      return prepare('DELETE FROM dashboard_sessions WHERE expires_at <= ?').run(now).changes;
    },

    async listAdministered(userId, limit) {
      const repoRows = userId === null
        ? prepare(`SELECT r.id, a.login AS owner, r.name, r.private FROM repositories r JOIN accounts a ON a.id = r.owner_id
                   ORDER BY a.login_lower, r.name_lower LIMIT ?`).all(limit)
        : prepare(`SELECT r.id, a.login AS owner, r.name, r.private FROM repositories r JOIN accounts a ON a.id = r.owner_id
                   WHERE r.owner_id = @user
                      OR r.owner_id IN (SELECT org_id FROM org_members WHERE user_id = @user AND role = 'admin')
                      OR r.id IN (SELECT repo_id FROM collaborators WHERE user_id = @user AND permission = 'admin')
                   ORDER BY a.login_lower, r.name_lower LIMIT @limit`).all({ user: userId, limit });
      const organizations = (userId === null
        ? prepare(`SELECT login FROM accounts WHERE type = 'Organization' ORDER BY login_lower LIMIT ?`).pluck().all(limit)
        : prepare(`SELECT a.login FROM accounts a JOIN org_members m ON m.org_id = a.id
                   WHERE m.user_id = ? AND m.role = 'admin' ORDER BY a.login_lower LIMIT ?`).pluck().all(userId, limit)) as string[];
      const repositories = (repoRows as { id: number; owner: string; name: string; private: number }[])
        .map((r) => ({ id: r.id, owner: r.owner, name: r.name, private: r.private === 1 }));
      return { repositories, organizations };
    },

    async hourlyHealth(hookIds, since, until) {
      if (hookIds.length === 0) return [];
      return prepare(`SELECT hook_id AS hookId, substr(delivered_at, 1, 13) AS hour,
                             sum(${OK}) AS success, sum(NOT (${OK})) AS failure
                      FROM deliveries
                      WHERE state = 'done' AND hook_id IN (SELECT value FROM json_each(@ids)) AND delivered_at >= @since
                        AND (@until IS NULL OR delivered_at < @until)
                      GROUP BY hook_id, hour ORDER BY hook_id, hour`).all({ ids: JSON.stringify(hookIds), since, until }) as HourlyHealth[];
    },
    async keptHealth(hookIds, since) {
      if (hookIds.length === 0) return [];
      return prepare(`SELECT hook_id AS hookId, hour, success, failure FROM delivery_health_hours
                      WHERE hook_id IN (SELECT value FROM json_each(?)) AND hour >= ? ORDER BY hook_id, hour`)
        .all(JSON.stringify(hookIds), since) as HourlyHealth[];
    },
    async keepHealth(rows, dropBefore) {
      const keep = prepare('INSERT OR REPLACE INTO delivery_health_hours (hook_id, hour, success, failure) VALUES (@hookId, @hour, @success, @failure)');
      db.transaction(() => {
        for (const row of rows) keep.run(row);
        prepare('DELETE FROM delivery_health_hours WHERE hour < ?').run(dropBefore);
      })();
    },
    async hookAlerts(limit) {
      const rows = prepare(`${ALERTS_SQL} LIMIT ?`).all(limit) as (Omit<HookAlert, 'active'> & { active: number })[];
      return rows.map((r) => ({ ...r, active: r.active === 1 }));
    },
    async outcomesSince(since) {
      const row = prepare(`SELECT coalesce(sum(${OK}), 0) AS success, coalesce(sum(NOT (${OK})), 0) AS failure
                           FROM deliveries WHERE state = 'done' AND delivered_at >= ?`).get(since) as { success: number; failure: number };
      return row;
    },
    async queueStats(now) {
      // Queued and leased rows are counted apart, so each count reads its partial index
      // (deliveries_queued, deliveries_in_flight) instead of the whole log.
      const pending = prepare(`SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL)
                                   + (SELECT count(*) FROM deliveries WHERE state = 'pending' AND lease_owner IS NOT NULL)`)
        .pluck().get() as number;
      // The oldest row waiting for a worker: queued and due, or leased by a worker whose lease ran out.
      const oldestDueAt = prepare(`SELECT min(t) FROM (
          SELECT min(due_at) AS t FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL AND due_at <= @now
          UNION ALL SELECT min(due_at) FROM deliveries
            WHERE state = 'pending' AND lease_owner IS NOT NULL AND lease_until < @now AND due_at <= @now)`)
        .pluck().get({ now }) as number | null;
      const hooksDisabled = prepare('SELECT count(*) FROM hooks WHERE active = 0').pluck().get() as number;
      return { pending, oldestDueAt, hooksDisabled };
    },
  };
}
