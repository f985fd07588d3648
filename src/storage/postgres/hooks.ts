// Hooks on PostgreSQL. Writes that check siblings take a transaction-scoped advisory lock on the owner,
// so two concurrent creates cannot both pass the duplicate and limit checks.
import type { HookDraft, HookOwner, HookRecord } from '../../domain/model.js';
import type { HookStore } from '../store.js';
import { toHook, type HookRow } from '../hook-row.js';
import type { Db, Queryable } from './db.js';

export { toHook, type HookRow } from '../hook-row.js';

function draftValues(d: HookDraft): unknown[] {
  return [d.name, d.active, JSON.stringify(d.events), d.config.url, d.config.contentType, d.config.insecureSsl,
    d.config.secret, d.config.username, d.config.password];
}

async function lockOwner(q: Queryable, owner: HookOwner): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1, $2)', [owner.type === 'repository' ? 1 : 2, owner.id]);
}

async function siblings(q: Queryable, owner: HookOwner): Promise<HookRecord[]> {
  const { rows } = await q.query<HookRow>('SELECT * FROM hooks WHERE owner_type = $1 AND owner_id = $2 ORDER BY id', [owner.type, owner.id]);
  return rows.map(toHook);
}

export function postgresHooks(db: Db): HookStore {
  return {
    async listHooks(owner, offset, limit) {
      const { rows } = await db.query<HookRow & { total: number }>(
        `SELECT *, count(*) OVER () AS total FROM hooks WHERE owner_type = $1 AND owner_id = $2 ORDER BY id LIMIT $3 OFFSET $4`,
        [owner.type, owner.id, limit, offset],
      );
      let total = rows[0]?.total ?? 0;
      if (rows.length === 0 && offset > 0) {
        const c = await db.query<{ n: number }>('SELECT count(*) AS n FROM hooks WHERE owner_type = $1 AND owner_id = $2', [owner.type, owner.id]);
        total = c.rows[0].n;
      }
      return { hooks: rows.map(toHook), total };
    },
    async findHook(owner, id) {
      const { rows } = await db.query<HookRow>('SELECT * FROM hooks WHERE owner_type = $1 AND owner_id = $2 AND id = $3', [owner.type, owner.id, id]);
      return rows[0] ? toHook(rows[0]) : null;
    },
    async insertHook(owner, draft, now, check) {
      return db.transaction(async (q) => {
        await lockOwner(q, owner);
        check(await siblings(q, owner));
        const { rows } = await q.query<HookRow>(
          `INSERT INTO hooks (owner_type, owner_id, name, active, events, url, content_type, insecure_ssl, secret, username,
             password, last_code, last_status, last_message, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, 'unused', NULL, $12, $12) RETURNING *`,
          [owner.type, owner.id, ...draftValues(draft), now],
        );
        return toHook(rows[0]);
      });
    },
    async updateHook(owner, id, now, change) {
      return db.transaction(async (q) => {
        await lockOwner(q, owner);
        const all = await siblings(q, owner);
        const current = all.find((h) => h.id === id);
        if (!current) return null;
        const draft = change(current, all.filter((h) => h.id !== id));
        const { rows } = await q.query<HookRow>(
          `UPDATE hooks SET name = $1, active = $2, events = $3, url = $4, content_type = $5, insecure_ssl = $6, secret = $7,
             username = $8, password = $9, updated_at = $10,
             failing_since = CASE WHEN $2 <> active THEN NULL ELSE failing_since END -- (de)activating starts the failure record over
           WHERE id = $11 RETURNING *`,
          [...draftValues(draft), now, id],
        );
        return toHook(rows[0]);
      });
    },
    async deleteHook(owner, id) {
      return db.transaction(async (q) => {
        const { rowCount } = await q.query('DELETE FROM hooks WHERE owner_type = $1 AND owner_id = $2 AND id = $3', [owner.type, owner.id, id]);
        // The log, the queued rows and the rows in flight, each through its own index.
        if (rowCount) {
          await q.query(`WITH logged AS (DELETE FROM deliveries WHERE hook_id = $1 AND state = 'done'),
              queued AS (DELETE FROM deliveries WHERE hook_id = $1 AND state = 'pending' AND lease_owner IS NULL)
            DELETE FROM deliveries WHERE hook_id = $1 AND state = 'pending' AND lease_owner IS NOT NULL`, [id]);
        }
        return (rowCount ?? 0) > 0;
      });
    },
  };
}
