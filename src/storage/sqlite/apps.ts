// GitHub Apps on SQLite: registrations, installations (with their selected repositories) and tokens.
import type { Database } from 'better-sqlite3';
import { statementCache } from './statements.js';
import type { AppStore, InstallationRecord } from '../app-store.js';
import { appParams, toApp, toInstallation, toToken, type AppRow, type InstallationRow, type TokenRow } from '../app-rows.js';
import { BUMP_ACCOUNTS_VERSION } from '../account-admin.js';
import { Conflict } from '../store.js';

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function sqliteApps(db: Database): AppStore {
  const prepare = statementCache(db);
  const repoIdsOf = (installationId: number) =>
    prepare('SELECT repository_id FROM app_installation_repositories WHERE installation_id = ? ORDER BY repository_id')
      .pluck().all(installationId) as number[];
  const installation = (row: InstallationRow | undefined): InstallationRecord | null =>
    row ? toInstallation(row, row.repository_selection === 'selected' ? repoIdsOf(row.id) : []) : null;
  const findInstallation = (id: number) =>
    installation(prepare('SELECT * FROM app_installations WHERE id = ?').get(id) as InstallationRow | undefined);

  return {
    async insertApp(a) {
      try {
        const info = prepare(`INSERT INTO apps (slug, name, name_lower, owner_id, description, external_url, public, client_id,
                                client_secret, public_key, permissions, events, created_at, updated_at)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(...appParams(a, (b) => (b ? 1 : 0)), a.now);
        return toApp(prepare('SELECT * FROM apps WHERE id = ?').get(info.lastInsertRowid) as AppRow);
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`app ${a.name} exists`);
        throw err;
      }
    },
    async deleteApp(id) {
      prepare('DELETE FROM apps WHERE id = ?').run(id);
    },
    async findApp(by) {
      const [column, value] = 'id' in by ? ['id', by.id] : 'slug' in by ? ['slug', by.slug] : ['client_id', by.clientId];
      const row = prepare(`SELECT * FROM apps WHERE ${column} = ?`).get(value) as AppRow | undefined;
      return row ? toApp(row) : null;
    },
    async insertInstallation(i) {
      return db.transaction(() => {
        try {
          const info = prepare(`INSERT INTO app_installations (app_id, account_id, repository_selection, created_at, updated_at)
                                VALUES (?, ?, ?, ?, ?)`).run(i.appId, i.accountId, i.repositorySelection, i.now, i.now);
          const id = Number(info.lastInsertRowid);
          const add = prepare('INSERT INTO app_installation_repositories (installation_id, repository_id) VALUES (?, ?)');
          for (const repoId of new Set(i.repositoryIds)) add.run(id, repoId);
          prepare(BUMP_ACCOUNTS_VERSION).run();
          return findInstallation(id)!;
        } catch (err) {
          if (isUniqueViolation(err)) throw new Conflict('already installed');
          throw err;
        }
      }).immediate();
    },
    async setInstallationSuspended(id, at, byId, now) {
      db.transaction(() => {
        prepare('UPDATE app_installations SET suspended_at = ?, suspended_by = ?, updated_at = ? WHERE id = ?').run(at, byId, now, id);
        prepare(BUMP_ACCOUNTS_VERSION).run();
      }).immediate();
    },
    async findInstallation(id) {
      return findInstallation(id);
    },
    async listInstallations(appId, offset, limit) {
      const rows = prepare('SELECT * FROM app_installations WHERE app_id = ? ORDER BY id LIMIT ? OFFSET ?')
        .all(appId, limit, offset) as InstallationRow[];
      const total = prepare('SELECT count(*) FROM app_installations WHERE app_id = ?').pluck().get(appId) as number;
      return { installations: rows.map((r) => installation(r)!), total };
    },
    async deleteInstallation(id) {
      // Tokens and selected repositories go with it (ON DELETE CASCADE; foreign keys are on).
      return db.transaction(() => {
        const deleted = prepare('DELETE FROM app_installations WHERE id = ?').run(id).changes > 0;
        prepare(BUMP_ACCOUNTS_VERSION).run();
        return deleted;
      }).immediate();
    },
    async installationsReaching(accountId, repositoryId) {
      const rows = prepare(`SELECT i.* FROM app_installations i WHERE i.account_id = ?
                              AND (? IS NULL OR i.repository_selection = 'all' OR EXISTS (
                                SELECT 1 FROM app_installation_repositories r WHERE r.installation_id = i.id AND r.repository_id = ?))
                            ORDER BY i.id`).all(accountId, repositoryId, repositoryId) as InstallationRow[];
      return rows.map((r) => installation(r)!);
    },
    async installationRepositoryIds(i) {
      if (i.repositorySelection === 'selected') return repoIdsOf(i.id);
      return prepare('SELECT id FROM repositories WHERE owner_id = ? ORDER BY id').pluck().all(i.accountId) as number[];
    },
    async insertManifestCode(hash, c) {
      prepare('INSERT INTO app_manifest_codes (code_hash, owner_id, manifest, expires_at) VALUES (?, ?, ?, ?)')
        .run(hash, c.ownerId, c.manifest, c.expiresAt);
    },
    async takeManifestCode(hash) {
      const row = prepare('DELETE FROM app_manifest_codes WHERE code_hash = ? RETURNING owner_id, manifest, expires_at')
        .get(hash) as { owner_id: number; manifest: string; expires_at: number } | undefined;
      return row ? { ownerId: row.owner_id, manifest: row.manifest, expiresAt: row.expires_at } : null;
    },
    async insertInstallationToken(hash, t, now) {
      prepare(`INSERT INTO app_installation_tokens (token_hash, installation_id, permissions, repository_ids, expires_at, created_at)
               VALUES (?, ?, ?, ?, ?, ?)`)
        .run(hash, t.installationId, JSON.stringify(t.permissions), t.repositoryIds === null ? null : JSON.stringify(t.repositoryIds), t.expiresAt, now);
    },
    async findInstallationToken(hash) {
      const row = prepare('SELECT * FROM app_installation_tokens WHERE token_hash = ?').get(hash) as TokenRow | undefined;
      return row ? toToken(row) : null;
    },
    async deleteInstallationToken(hash) {
      prepare('DELETE FROM app_installation_tokens WHERE token_hash = ?').run(hash);
    },
  };
}
