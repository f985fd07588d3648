// GitHub Apps on PostgreSQL: registrations, installations (with their selected repositories) and tokens.
import type { AppStore, InstallationRecord } from '../app-store.js';
import { appParams, toApp, toInstallation, toToken, type AppRow, type InstallationRow, type TokenRow } from '../app-rows.js';
import { BUMP_ACCOUNTS_VERSION } from '../account-admin.js';
import { Conflict } from '../store.js';
import type { Db, Queryable } from './db.js';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export function postgresApps(db: Db): AppStore {
  const repoIdsOf = async (q: Queryable, installationId: number) =>
    (await q.query<{ repository_id: number }>(
      'SELECT repository_id FROM app_installation_repositories WHERE installation_id = $1 ORDER BY repository_id', [installationId],
    )).rows.map((r) => r.repository_id);
  const installation = async (q: Queryable, row: InstallationRow | undefined): Promise<InstallationRecord | null> =>
    row ? toInstallation(row, row.repository_selection === 'selected' ? await repoIdsOf(q, row.id) : []) : null;
  const findInstallation = async (q: Queryable, id: number) =>
    installation(q, (await q.query<InstallationRow>('SELECT * FROM app_installations WHERE id = $1', [id])).rows[0]);

  return {
    async insertApp(a) {
      try {
        const { rows } = await db.query<AppRow>(
          `INSERT INTO apps (slug, name, name_lower, owner_id, description, external_url, public, client_id, client_secret,
             public_key, permissions, events, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *`,
          appParams(a, (b) => b),
        );
        return toApp(rows[0]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`app ${a.name} exists`);
        throw err;
      }
    },
    async deleteApp(id) {
      await db.query('DELETE FROM apps WHERE id = $1', [id]);
    },
    async findApp(by) {
      const [column, value] = 'id' in by ? ['id', by.id] : 'slug' in by ? ['slug', by.slug] : ['client_id', by.clientId];
      const { rows } = await db.query<AppRow>(`SELECT * FROM apps WHERE ${column} = $1`, [value]);
      return rows[0] ? toApp(rows[0]) : null;
    },
    async insertInstallation(i) {
      try {
        return await db.transaction(async (q) => {
          const { rows } = await q.query<{ id: number }>(
            `INSERT INTO app_installations (app_id, account_id, repository_selection, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id`,
            [i.appId, i.accountId, i.repositorySelection, i.now],
          );
          const id = rows[0].id;
          if (i.repositoryIds.length > 0) {
            await q.query(
              `INSERT INTO app_installation_repositories (installation_id, repository_id)
               SELECT $1, r FROM unnest($2::bigint[]) AS r ON CONFLICT DO NOTHING`,
              [id, i.repositoryIds],
            );
          }
          await q.query(BUMP_ACCOUNTS_VERSION);
          return (await findInstallation(q, id))!;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict('already installed');
        throw err;
      }
    },
    async setInstallationSuspended(id, at, byId, now) {
      await db.transaction(async (q) => {
        await q.query('UPDATE app_installations SET suspended_at = $1, suspended_by = $2, updated_at = $3 WHERE id = $4', [at, byId, now, id]);
        await q.query(BUMP_ACCOUNTS_VERSION);
      });
    },
    async findInstallation(id) {
      return findInstallation(db, id);
    },
    async listInstallations(appId, offset, limit) {
      const { rows } = await db.query<InstallationRow>(
        'SELECT * FROM app_installations WHERE app_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [appId, limit, offset],
      );
      const total = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_installations WHERE app_id = $1', [appId])).rows[0].n;
      const installations: InstallationRecord[] = [];
      for (const row of rows) installations.push((await installation(db, row))!);
      return { installations, total };
    },
    async deleteInstallation(id) {
      // Tokens and selected repositories go with it (ON DELETE CASCADE).
      // The installation's row first, the version last, as every writer does: two never wait on each other's lock.
      return db.transaction(async (q) => {
        const deleted = ((await q.query('DELETE FROM app_installations WHERE id = $1', [id])).rowCount ?? 0) > 0;
        await q.query(BUMP_ACCOUNTS_VERSION);
        return deleted;
      });
    },
    async installationsReaching(accountId, repositoryId) {
      const { rows } = await db.query<InstallationRow>(
        `SELECT i.* FROM app_installations i WHERE i.account_id = $1
           AND ($2::bigint IS NULL OR i.repository_selection = 'all' OR EXISTS (
             SELECT 1 FROM app_installation_repositories r WHERE r.installation_id = i.id AND r.repository_id = $2::bigint))
         ORDER BY i.id`,
        [accountId, repositoryId],
      );
      const out: InstallationRecord[] = [];
      for (const row of rows) out.push((await installation(db, row))!);
      return out;
    },
    async installationRepositoryIds(i) {
      if (i.repositorySelection === 'selected') return repoIdsOf(db, i.id);
      const { rows } = await db.query<{ id: number }>('SELECT id FROM repositories WHERE owner_id = $1 ORDER BY id', [i.accountId]);
      return rows.map((r) => r.id);
    },
    async insertManifestCode(hash, c) {
      await db.query('INSERT INTO app_manifest_codes (code_hash, owner_id, manifest, expires_at) VALUES ($1, $2, $3, $4)', [hash, c.ownerId, c.manifest, c.expiresAt]);
    },
    async takeManifestCode(hash) {
      const { rows } = await db.query<{ owner_id: number; manifest: string; expires_at: number }>(
        'DELETE FROM app_manifest_codes WHERE code_hash = $1 RETURNING owner_id, manifest, expires_at', [hash],
      );
      return rows[0] ? { ownerId: rows[0].owner_id, manifest: rows[0].manifest, expiresAt: Number(rows[0].expires_at) } : null;
    },
    async insertInstallationToken(hash, t, now) {
      await db.query(
        `INSERT INTO app_installation_tokens (token_hash, installation_id, permissions, repository_ids, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [hash, t.installationId, JSON.stringify(t.permissions), t.repositoryIds === null ? null : JSON.stringify(t.repositoryIds), t.expiresAt, now],
      );
    },
    async findInstallationToken(hash) {
      const { rows } = await db.query<TokenRow>('SELECT * FROM app_installation_tokens WHERE token_hash = $1', [hash]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async deleteInstallationToken(hash) {
      await db.query('DELETE FROM app_installation_tokens WHERE token_hash = $1', [hash]);
    },
  };
}
