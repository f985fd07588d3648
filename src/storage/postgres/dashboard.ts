// The dashboard's sessions and aggregates on PostgreSQL. The aggregates read the covering indexes
// deliveries_hook_delivered (by hook and time) and deliveries_delivered (by time), and the queue's
// figures only the queue partition (deliveries_pending).
import type { DashboardStore, HookAlert, HourlyHealth } from '../dashboard-store.js';
import { ALERTS_SQL } from '../dashboard-sql.js';
import type { Db } from './db.js';

/** A 2xx status: the one rule for success, as the worker records it. */
const OK = 'status_code BETWEEN 200 AND 299';

export function postgresDashboard(db: Db): DashboardStore {
  return {
    async insertSession(idHash, s, now) {
      await db.query('INSERT INTO dashboard_sessions (id_hash, user_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)',
        [idHash, s.userId, s.tokenHash, s.expiresAt, now]);
    },
    async findSession(idHash, now) {
      const { rows } = await db.query<{ user_id: number; token_hash: string; expires_at: number }>(
        'SELECT user_id, token_hash, expires_at FROM dashboard_sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
      return rows[0] ? { userId: rows[0].user_id, tokenHash: rows[0].token_hash, expiresAt: rows[0].expires_at } : null;
    },
    async deleteSession(idHash) {
      await db.query('DELETE FROM dashboard_sessions WHERE id_hash = $1', [idHash]);
    },
    async deleteExpiredSessions(now) {
      return (await db.query('DELETE FROM dashboard_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },

    async listAdministered(userId, limit) {
      const repos = await db.query<{ id: number; owner: string; name: string; private: boolean }>(
        `SELECT r.id, a.login AS owner, r.name, r.private FROM repositories r JOIN accounts a ON a.id = r.owner_id
         WHERE $1::bigint IS NULL OR r.owner_id = $1
            OR r.owner_id IN (SELECT org_id FROM org_members WHERE user_id = $1 AND role = 'admin')
            OR r.id IN (SELECT repo_id FROM collaborators WHERE user_id = $1 AND permission = 'admin')
         ORDER BY a.login_lower, r.name_lower LIMIT $2`, [userId, limit]);
      const orgs = await db.query<{ login: string }>(
        `SELECT login FROM accounts a WHERE type = 'Organization'
           AND ($1::bigint IS NULL OR id IN (SELECT org_id FROM org_members WHERE user_id = $1 AND role = 'admin'))
         ORDER BY login_lower LIMIT $2`, [userId, limit]);
      return { repositories: repos.rows, organizations: orgs.rows.map((r) => r.login) };
    },

    async hourlyHealth(hookIds, since, until) {
      if (hookIds.length === 0) return [];
      const { rows } = await db.query<HourlyHealth>(
        `SELECT hook_id AS "hookId", substr(delivered_at, 1, 13) AS hour,
                count(*) FILTER (WHERE ${OK})::int AS success, count(*) FILTER (WHERE NOT (${OK}))::int AS failure
         FROM deliveries
         WHERE state = 'done' AND hook_id = ANY($1::bigint[]) AND delivered_at >= $2 AND ($3::text IS NULL OR delivered_at < $3)
         GROUP BY hook_id, hour ORDER BY hook_id, hour`, [hookIds, since, until]);
      return rows;
    },
    async keptHealth(hookIds, since) {
      if (hookIds.length === 0) return [];
      const { rows } = await db.query<HourlyHealth>(
        `SELECT hook_id AS "hookId", hour, success, failure FROM delivery_health_hours
         WHERE hook_id = ANY($1::bigint[]) AND hour >= $2 ORDER BY hook_id, hour`, [hookIds, since]);
      return rows;
    },
    async keepHealth(rows, dropBefore) {
      await db.transaction(async (q) => {
        if (rows.length > 0) {
          await q.query(
            `INSERT INTO delivery_health_hours (hook_id, hour, success, failure)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[])
             ON CONFLICT (hook_id, hour) DO UPDATE SET success = EXCLUDED.success, failure = EXCLUDED.failure`,
            [rows.map((r) => r.hookId), rows.map((r) => r.hour), rows.map((r) => r.success), rows.map((r) => r.failure)]);
        }
        await q.query('DELETE FROM delivery_health_hours WHERE hour < $1', [dropBefore]);
      });
    },
    async hookAlerts(limit) {
      return (await db.query<HookAlert>(`${ALERTS_SQL} LIMIT $1`, [limit])).rows;
    },
    async outcomesSince(since) {
      const { rows } = await db.query<{ success: number; failure: number }>(
        `SELECT count(*) FILTER (WHERE ${OK})::int AS success, count(*) FILTER (WHERE NOT (${OK}))::int AS failure
         FROM deliveries WHERE state = 'done' AND delivered_at >= $1`, [since]);
      return rows[0];
    },
    async queueStats(now) {
      const { rows } = await db.query<{ pending: number; oldest: number | null; disabled: number }>(
        `SELECT (SELECT count(*)::int FROM deliveries WHERE state = 'pending') AS pending,
                (SELECT min(due_at) FROM deliveries
                  WHERE state = 'pending' AND due_at <= $1 AND (lease_until IS NULL OR lease_until < $1)) AS oldest,
                (SELECT count(*)::int FROM hooks WHERE NOT active) AS disabled`, [now]);
      return { pending: rows[0].pending, oldestDueAt: rows[0].oldest, hooksDisabled: rows[0].disabled };
    },
  };
}
