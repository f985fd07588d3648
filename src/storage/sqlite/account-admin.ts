// GHES user administration on SQLite: each operation one IMMEDIATE transaction with the version bump.
import type { Database } from 'better-sqlite3';
import {
  BUMP_ACCOUNTS_VERSION, DELETE_IMPERSONATION_TOKENS, DELETE_USER_STATEMENTS, SET_SUSPENDED, type AccountAdminStore,
} from '../account-admin.js';
import type { HookCache } from './hook-cache.js';
import { statementCache } from './statements.js';

export function sqliteAccountAdmin(db: Database, hookCache: HookCache): AccountAdminStore {
  const prepare = statementCache(db);
  const bump = () => prepare(BUMP_ACCOUNTS_VERSION).run();
  return {
    async setSuspended(userId, suspendedAt) {
      db.transaction(() => {
        prepare(SET_SUSPENDED).run({ user: userId, at: suspendedAt });
        bump();
      }).immediate();
    },
    async deleteUser(userId) {
      db.transaction(() => {
        for (const sql of DELETE_USER_STATEMENTS) prepare(sql).run({ user: userId });
        bump();
        hookCache.invalidate(); // this connection's writes do not move data_version
      }).immediate();
    },
    async deleteImpersonationTokens(userId) {
      return db.transaction(() => {
        const { changes } = prepare(DELETE_IMPERSONATION_TOKENS).run({ user: userId });
        bump();
        return changes;
      }).immediate();
    },
  };
}
