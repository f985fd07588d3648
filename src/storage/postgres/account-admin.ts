// GHES user administration on PostgreSQL: each operation one transaction with the version bump, so
// other processes' account caches see it on their next request.
import {
  BUMP_ACCOUNTS_VERSION, DELETE_IMPERSONATION_TOKENS, DELETE_USER_STATEMENTS, SET_SUSPENDED, type AccountAdminStore,
} from '../account-admin.js';
import type { Db } from './db.js';

/** The shared statements use named parameters; pg numbers them. */
const numbered = (sql: string) => sql.replaceAll('$user', '$1').replaceAll('$at', '$2');

export function postgresAccountAdmin(db: Db): AccountAdminStore {
  return {
    async setSuspended(userId, suspendedAt) {
      await db.transaction(async (q) => {
        await q.query(numbered(SET_SUSPENDED), [userId, suspendedAt]);
        await q.query(BUMP_ACCOUNTS_VERSION);
      });
    },
    async deleteUser(userId) {
      await db.transaction(async (q) => {
        for (const sql of DELETE_USER_STATEMENTS) await q.query(numbered(sql), [userId]);
        await q.query(BUMP_ACCOUNTS_VERSION);
      });
    },
    async deleteImpersonationTokens(userId) {
      return db.transaction(async (q) => {
        const { rowCount } = await q.query(numbered(DELETE_IMPERSONATION_TOKENS), [userId]);
        await q.query(BUMP_ACCOUNTS_VERSION);
        return rowCount ?? 0;
      });
    },
  };
}
