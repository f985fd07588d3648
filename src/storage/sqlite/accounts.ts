// Accounts, tokens, memberships, repositories and collaborators on SQLite.
import type { Database } from 'better-sqlite3';
import { statementCache } from './statements.js';
import type { Account, OrgRole, RepoPermission, Repository } from '../../domain/model.js';
import { ACCOUNTS_VERSION } from '../account-admin.js';
import type { AccountRows } from '../account-cache.js';
import { Conflict, type FoundToken, type OwnedCounts } from '../store.js';

interface AccountRow {
  id: number; login: string; type: 'User' | 'Organization'; email: string | null; name: string | null;
  site_admin: number; suspended_at: string | null; created_at: string; updated_at: string;
}

interface RepoRow {
  id: number; owner_id: number; name: string; private: number; description: string | null;
  created_at: string; updated_at: string; pushed_at: string | null;
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id, login: r.login, type: r.type, email: r.email, name: r.name, siteAdmin: r.site_admin === 1,
    suspendedAt: r.suspended_at ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function sqliteAccounts(db: Database): AccountRows {
  const prepare = statementCache(db);
  const accountById = prepare('SELECT * FROM accounts WHERE id = ?');
  const accountByLogin = prepare('SELECT * FROM accounts WHERE login_lower = ?');
  const repoById = prepare('SELECT * FROM repositories WHERE id = ?');

  const account = (id: number): Account | null => {
    const row = accountById.get(id) as AccountRow | undefined;
    return row ? toAccount(row) : null;
  };
  const repository = (row: RepoRow | undefined): Repository | null => {
    if (!row) return null;
    const owner = account(row.owner_id);
    if (!owner) return null;
    return {
      id: row.id, owner, name: row.name, private: row.private === 1, description: row.description,
      createdAt: row.created_at, updatedAt: row.updated_at, pushedAt: row.pushed_at,
    };
  };

  const token = (hash: string): FoundToken | null => {
    const row = prepare('SELECT * FROM tokens WHERE token_hash = ?').get(hash) as
      | { id: number; user_id: number; scopes: string; note: string | null; created_at: string }
      | undefined;
    if (!row) return null;
    const user = account(row.user_id);
    if (!user) return null;
    return {
      token: { id: row.id, userId: row.user_id, scopes: JSON.parse(row.scopes), note: row.note, createdAt: row.created_at },
      user,
    };
  };

  return {
    async accountsVersion() {
      return prepare(ACCOUNTS_VERSION).pluck().get() as number;
    },
    async getSetting(key) {
      return (prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
    },
    async putSettingIfAbsent(key, value) {
      prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string;
    },

    async insertAccount(a) {
      try {
        const info = prepare(`INSERT INTO accounts (login, login_lower, type, email, name, site_admin, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(a.login, a.login.toLowerCase(), a.type, a.email, a.name, a.siteAdmin ? 1 : 0, a.now, a.now);
        return account(Number(info.lastInsertRowid))!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`login ${a.login} is taken`);
        throw err;
      }
    },
    async findAccountByLogin(login) {
      const row = accountByLogin.get(login.toLowerCase()) as AccountRow | undefined;
      return row ? toAccount(row) : null;
    },
    async findAccountById(id) {
      return account(id);
    },

    async insertToken(t) {
      const info = prepare('INSERT INTO tokens (user_id, token_hash, scopes, note, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(t.userId, t.tokenHash, JSON.stringify(t.scopes), t.note, t.now);
      return { id: Number(info.lastInsertRowid), userId: t.userId, scopes: t.scopes, note: t.note, createdAt: t.now };
    },
    async findTokenWithVersion(hash) {
      return { found: token(hash), version: prepare(ACCOUNTS_VERSION).pluck().get() as number };
    },

    async setOrgMembership(orgId, userId, role) {
      prepare(`INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)
                  ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`).run(orgId, userId, role);
    },
    async findOrgRole(orgId, userId) {
      const role = prepare('SELECT role FROM org_members WHERE org_id = ? AND user_id = ?').pluck().get(orgId, userId);
      return (role as OrgRole | undefined) ?? null;
    },

    async insertRepository(r) {
      try {
        const info = prepare(`INSERT INTO repositories (owner_id, name, name_lower, private, description, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(r.ownerId, r.name, r.name.toLowerCase(), r.private ? 1 : 0, r.description, r.now, r.now);
        return repository(repoById.get(Number(info.lastInsertRowid)) as RepoRow)!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`repository ${r.name} exists`);
        throw err;
      }
    },
    async findRepository(ownerLogin, name) {
      const row = prepare(`SELECT r.* FROM repositories r JOIN accounts a ON a.id = r.owner_id
                  WHERE a.login_lower = ? AND r.name_lower = ?`)
        .get(ownerLogin.toLowerCase(), name.toLowerCase()) as RepoRow | undefined;
      return repository(row);
    },
    async findRepositoryById(id) {
      return repository(repoById.get(id) as RepoRow | undefined);
    },
    async setCollaborator(repoId, userId, permission) {
      prepare(`INSERT INTO collaborators (repo_id, user_id, permission) VALUES (?, ?, ?)
                  ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = excluded.permission`)
        .run(repoId, userId, permission);
    },
    async findCollaboratorPermission(repoId, userId) {
      const p = prepare('SELECT permission FROM collaborators WHERE repo_id = ? AND user_id = ?').pluck().get(repoId, userId);
      return (p as RepoPermission | undefined) ?? null;
    },
    async listRepositoriesForUser(userId, page) {
      const where = `${page.publicOnly ? 'r.private = 0 AND ' : ''}(r.owner_id = @user
        OR r.id IN (SELECT repo_id FROM collaborators WHERE user_id = @user)
        OR r.owner_id IN (SELECT org_id FROM org_members WHERE user_id = @user))`;
      const rows = prepare(`SELECT r.* FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE ${where}
                  ORDER BY a.login_lower, r.name_lower LIMIT @limit OFFSET @offset`)
        .all({ user: userId, limit: page.limit, offset: page.offset }) as RepoRow[];
      const total = prepare(`SELECT count(*) FROM repositories r WHERE ${where}`).pluck().get({ user: userId }) as number;
      return { items: rows.map((row) => repository(row)!), total };
    },
    async countOwnedRepositories(ownerId) {
      const row = prepare(`SELECT count(*) FILTER (WHERE private = 0) AS public, count(*) FILTER (WHERE private = 1) AS private
                  FROM repositories WHERE owner_id = ?`).get(ownerId) as OwnedCounts;
      return { public: row.public, private: row.private };
    },
    async listOrganizationsForUser(userId, page) {
      const rows = prepare(`SELECT a.* FROM accounts a JOIN org_members m ON m.org_id = a.id WHERE m.user_id = ?
                  ORDER BY a.id LIMIT ? OFFSET ?`).all(userId, page.limit, page.offset) as AccountRow[];
      const total = prepare('SELECT count(*) FROM org_members WHERE user_id = ?').pluck().get(userId) as number;
      return { items: rows.map(toAccount), total };
    },
  };
}
