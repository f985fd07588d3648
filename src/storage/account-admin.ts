// The storage half of GHES user administration: suspension, deleting a user with what they own, and
// revoking impersonation tokens. Every change moves the accounts version (account_versions), which
// account caches compare at the start of each request (storage/account-cache.ts).

export interface AccountAdminStore {
  /** Suspends (a timestamp) or unsuspends (null) a user. */
  setSuspended(userId: number, suspendedAt: string | null): Promise<void>;
  /**
   * Deletes a user with their tokens, memberships and collaborations, and their repositories with
   * those repositories' collaborators, hooks and deliveries, in one transaction.
   */
  deleteUser(userId: number): Promise<void>;
  /** Deletes the user's impersonation tokens; how many there were. */
  deleteImpersonationTokens(userId: number): Promise<number>;
}

/** Repositories the user owns, as a subquery; `$user` is the user's id (a named parameter on SQLite, $1 on PostgreSQL). */
const OWNED_REPOS = 'SELECT id FROM repositories WHERE owner_id = $user';
const OWNED_HOOKS = `SELECT id FROM hooks WHERE owner_type = 'repository' AND owner_id IN (${OWNED_REPOS})`;

/** Installations on the user's account or of Apps the user owns. */
const OWNED_APPS = 'SELECT id FROM apps WHERE owner_id = $user';
const GONE_INSTALLATIONS = `SELECT id FROM app_installations WHERE account_id = $user OR app_id IN (${OWNED_APPS})`;
const APP_HOOKS = `SELECT id FROM hooks WHERE owner_type = 'integration' AND owner_id IN (${OWNED_APPS})`;

/** The statements of deleteUser, in an order that no foreign key objects to. */
export const DELETE_USER_STATEMENTS = [
  `DELETE FROM deliveries WHERE hook_id IN (${OWNED_HOOKS}) OR hook_id IN (${APP_HOOKS})`,
  `DELETE FROM hooks WHERE id IN (${OWNED_HOOKS}) OR id IN (${APP_HOOKS})`,
  `DELETE FROM app_installation_tokens WHERE installation_id IN (${GONE_INSTALLATIONS})`,
  `DELETE FROM app_installation_repositories WHERE installation_id IN (${GONE_INSTALLATIONS}) OR repository_id IN (${OWNED_REPOS})`,
  `DELETE FROM app_installations WHERE id IN (${GONE_INSTALLATIONS})`,
  'UPDATE app_installations SET suspended_by = NULL WHERE suspended_by = $user',
  'DELETE FROM app_manifest_codes WHERE owner_id = $user',
  `DELETE FROM apps WHERE id IN (${OWNED_APPS})`,
  `DELETE FROM collaborators WHERE user_id = $user OR repo_id IN (${OWNED_REPOS})`,
  'DELETE FROM repositories WHERE owner_id = $user',
  'DELETE FROM org_members WHERE user_id = $user',
  'DELETE FROM tokens WHERE user_id = $user',
  'DELETE FROM accounts WHERE id = $user',
];

export const SET_SUSPENDED = 'UPDATE accounts SET suspended_at = $at WHERE id = $user';
export const DELETE_IMPERSONATION_TOKENS = "DELETE FROM tokens WHERE user_id = $user AND note = 'impersonation'";
/** Run in the same transaction as every statement above. */
export const BUMP_ACCOUNTS_VERSION = 'UPDATE account_versions SET version = version + 1 WHERE id = 1';
export const ACCOUNTS_VERSION = 'SELECT version FROM account_versions WHERE id = 1';
