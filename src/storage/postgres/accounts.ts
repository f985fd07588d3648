// Accounts, tokens, memberships, repositories and collaborators on PostgreSQL.
import type { Account, OrgRole, RepoPermission, Repository } from '../../domain/model.js';
import { ACCOUNTS_VERSION } from '../account-admin.js';
import type { AccountRows } from '../account-cache.js';
import { Conflict } from '../store.js';
import type { Db } from './db.js';

interface AccountRow {
  id: number; login: string; type: 'User' | 'Organization'; email: string | null; name: string | null;
  site_admin: boolean; suspended_at: string | null; created_at: string; updated_at: string;
}

interface RepoRow {
  id: number; owner_id: number; name: string; private: boolean; description: string | null;
  created_at: string; updated_at: string; pushed_at: string | null;
}

function toAccount(r: AccountRow): Account {
  return {
    id: r.id, login: r.login, type: r.type, email: r.email, name: r.name, siteAdmin: r.site_admin,
    suspendedAt: r.suspended_at ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toRepository(row: RepoRow, owner: Account): Repository {
  return {
    id: row.id, owner, name: row.name, private: row.private, description: row.description,
    createdAt: row.created_at, updatedAt: row.updated_at, pushedAt: row.pushed_at,
  };
}

/** A repository read with its owner in the same round trip (every repository-scoped request reads one). */
function withOwner(row: (RepoRow & { owner: AccountRow }) | undefined): Repository | null {
  return row ? toRepository(row, toAccount(row.owner)) : null;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export function postgresAccounts(db: Db): AccountRows {
  const account = async (id: number): Promise<Account | null> => {
    const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  };
  const repository = async (row: RepoRow | undefined): Promise<Repository | null> => {
    if (!row) return null;
    const owner = await account(row.owner_id);
    return owner ? toRepository(row, owner) : null;
  };

  return {
    async accountsVersion() {
      const { rows } = await db.query<{ version: number }>(ACCOUNTS_VERSION, []);
      return rows[0].version;
    },
    async getSetting(key) {
      const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]?.value ?? null;
    },
    async putSettingIfAbsent(key, value) {
      await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
      const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0].value;
    },

    async insertAccount(a) {
      try {
        const { rows } = await db.query<AccountRow>(
          `INSERT INTO accounts (login, login_lower, type, email, name, site_admin, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
          [a.login, a.login.toLowerCase(), a.type, a.email, a.name, a.siteAdmin, a.now],
        );
        return toAccount(rows[0]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`login ${a.login} is taken`);
        throw err;
      }
    },
    async findAccountByLogin(login) {
      const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE login_lower = $1', [login.toLowerCase()]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
    findAccountById: account,

    async insertToken(t) {
      const { rows } = await db.query<{ id: number }>(
        'INSERT INTO tokens (user_id, token_hash, scopes, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [t.userId, t.tokenHash, JSON.stringify(t.scopes), t.note, t.now],
      );
      return { id: rows[0].id, userId: t.userId, scopes: t.scopes, note: t.note, createdAt: t.now };
    },
    async findTokenWithVersion(hash) {
      // The version row always answers, so the version comes back with a token or without one.
      const { rows } = await db.query<{ version: number; id: number | null; user_id: number; scopes: string; note: string | null; created_at: string } & { a: AccountRow }>(
        `SELECT v.version, t.id, t.user_id, t.scopes, t.note, t.created_at, row_to_json(a.*) AS a
         FROM account_versions v
         LEFT JOIN (tokens t JOIN accounts a ON a.id = t.user_id) ON t.token_hash = $1
         WHERE v.id = 1`,
        [hash],
      );
      const row = rows[0];
      const found = row.id === null ? null : {
        token: { id: row.id, userId: row.user_id, scopes: JSON.parse(row.scopes), note: row.note, createdAt: row.created_at },
        user: toAccount(row.a),
      };
      return { found, version: row.version };
    },

    async setOrgMembership(orgId, userId, role) {
      await db.query(
        `INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
        [orgId, userId, role],
      );
    },
    async findOrgRole(orgId, userId) {
      const { rows } = await db.query<{ role: OrgRole }>('SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
      return rows[0]?.role ?? null;
    },

    async insertRepository(r) {
      try {
        const { rows } = await db.query<RepoRow>(
          `INSERT INTO repositories (owner_id, name, name_lower, private, description, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
          [r.ownerId, r.name, r.name.toLowerCase(), r.private, r.description, r.now],
        );
        return (await repository(rows[0]))!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`repository ${r.name} exists`);
        throw err;
      }
    },
    async findRepository(ownerLogin, name) {
      const { rows } = await db.query<RepoRow & { owner: AccountRow }>(
        `SELECT r.*, row_to_json(a.*) AS owner FROM repositories r JOIN accounts a ON a.id = r.owner_id
         WHERE a.login_lower = $1 AND r.name_lower = $2`,
        [ownerLogin.toLowerCase(), name.toLowerCase()],
      );
      return withOwner(rows[0]);
    },
    async findRepositoryById(id) {
      const { rows } = await db.query<RepoRow & { owner: AccountRow }>(
        'SELECT r.*, row_to_json(a.*) AS owner FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE r.id = $1',
        [id],
      );
      return withOwner(rows[0]);
    },
    async setCollaborator(repoId, userId, permission) {
      await db.query(
        `INSERT INTO collaborators (repo_id, user_id, permission) VALUES ($1, $2, $3)
         ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = excluded.permission`,
        [repoId, userId, permission],
      );
    },
    async findCollaboratorPermission(repoId, userId) {
      const { rows } = await db.query<{ permission: RepoPermission }>(
        'SELECT permission FROM collaborators WHERE repo_id = $1 AND user_id = $2',
        [repoId, userId],
      );
      return rows[0]?.permission ?? null;
    },
    async listRepositoriesForUser(userId, page) {
      const where = `${page.publicOnly ? 'NOT r.private AND ' : ''}(r.owner_id = $1
        OR r.id IN (SELECT repo_id FROM collaborators WHERE user_id = $1)
        OR r.owner_id IN (SELECT org_id FROM org_members WHERE user_id = $1))`;
      const [{ rows }, count] = await Promise.all([
        db.query<RepoRow & { owner: AccountRow }>(
          `SELECT r.*, row_to_json(a.*) AS owner FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE ${where}
           ORDER BY a.login_lower, r.name_lower LIMIT $2 OFFSET $3`,
          [userId, page.limit, page.offset],
        ),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM repositories r WHERE ${where}`, [userId]),
      ]);
      return { items: rows.map((row) => withOwner(row)!), total: count.rows[0].total };
    },
    async countOwnedRepositories(ownerId) {
      const { rows } = await db.query<{ public: number; private: number }>(
        `SELECT (count(*) FILTER (WHERE NOT private))::int AS public, (count(*) FILTER (WHERE private))::int AS private
         FROM repositories WHERE owner_id = $1`,
        [ownerId],
      );
      return { public: rows[0].public, private: rows[0].private };
    },
    async listOrganizationsForUser(userId, page) {
      const [{ rows }, count] = await Promise.all([
        db.query<AccountRow>(
          `SELECT a.* FROM accounts a JOIN org_members m ON m.org_id = a.id WHERE m.user_id = $1
           ORDER BY a.id LIMIT $2 OFFSET $3`,
          [userId, page.limit, page.offset],
        ),
        db.query<{ total: number }>('SELECT count(*)::int AS total FROM org_members WHERE user_id = $1', [userId]),
      ]);
      return { items: rows.map(toAccount), total: count.rows[0].total };
    },
  };
}
