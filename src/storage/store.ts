// The storage port: operations named after what Hookline does, not generic CRUD. Adapters (sqlite/,
// postgres/) implement it; one contract suite runs against every adapter.
import type {
  Account, AccountType, HookDraft, HookOwner, HookRecord, OrgRole, RepoPermission, Repository,
  TokenRecord,
} from '../domain/model.js';
import type { DashboardStore } from './dashboard-store.js';
import type { AppStore } from './app-store.js';
import type { AccountAdminStore } from './account-admin.js';
import type { DeliveryStore } from './delivery-store.js';
import type { WorkerRegistry } from './worker-registry.js';

/** Thrown by adapters when a unique name is taken; services turn it into a 422. */
export class Conflict extends Error {}

export interface NewAccount {
  login: string;
  type: AccountType;
  email: string | null;
  name: string | null;
  siteAdmin: boolean;
  now: string;
}

export interface NewRepository {
  ownerId: number;
  name: string;
  private: boolean;
  description: string | null;
  now: string;
}

/** A page of a listing: `offset`/`limit` in, the page and the full count out. */
export interface PageRequest {
  offset: number;
  limit: number;
}

/** One page of a listing and how many items there are in all (for pagination links). */
export interface Paged<T> {
  items: T[];
  total: number;
}

/** Repositories an account owns, by visibility. */
export interface OwnedCounts {
  public: number;
  private: number;
}

/** Checks a draft against the owner's other hooks inside the write transaction; throws to abort. */
export type SiblingCheck = (siblings: HookRecord[]) => void;

/** A token found by its hash, with the user it acts for. */
export interface FoundToken {
  token: TokenRecord;
  user: Account;
}

export interface AccountStore {
  /** Stores `value` under `key` unless a value is there already; returns the value that is stored. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  getSetting(key: string): Promise<string | null>;

  insertAccount(account: NewAccount): Promise<Account>;
  /** Found accounts and repositories may be shared between callers (storage/account-cache.ts): read-only. */
  findAccountByLogin(login: string): Promise<Readonly<Account> | null>;
  findAccountById(id: number): Promise<Readonly<Account> | null>;

  insertToken(token: { userId: number; tokenHash: string; scopes: string[]; note: string | null; now: string }): Promise<TokenRecord>;

  setOrgMembership(orgId: number, userId: number, role: OrgRole): Promise<void>;
  findOrgRole(orgId: number, userId: number): Promise<OrgRole | null>;

  insertRepository(repo: NewRepository): Promise<Repository>;
  findRepository(ownerLogin: string, name: string): Promise<Readonly<Repository> | null>;
  findRepositoryById(id: number): Promise<Readonly<Repository> | null>;
  setCollaborator(repoId: number, userId: number, permission: RepoPermission): Promise<void>;
  findCollaboratorPermission(repoId: number, userId: number): Promise<RepoPermission | null>;

  /**
   * Makes the lookups that follow see every account change committed before this call, even where
   * found accounts are kept in memory (account-cache.ts). Called at the start of each authenticated request.
   */
  syncAccounts(): Promise<void>;
  /** The token with this hash and its user; syncs as syncAccounts does, in the same read. */
  findTokenAndSyncAccounts(tokenHash: string): Promise<FoundToken | null>;
  /**
   * Repositories the user owns, collaborates on, or that belong to an organization the user is a
   * member of, ordered by full name; `publicOnly` leaves private ones out.
   */
  listRepositoriesForUser(userId: number, page: PageRequest & { publicOnly?: boolean }): Promise<Paged<Repository>>;
  /** How many public and private repositories the account owns (profiles' `public_repos`, …). */
  countOwnedRepositories(ownerId: number): Promise<OwnedCounts>;
  /** Organizations the user is a member of (any role), oldest first. */
  listOrganizationsForUser(userId: number, page: PageRequest): Promise<Paged<Account>>;
}

export interface HookStore {
  /** One page of an owner's hooks, oldest first, with the owner's total for pagination links. */
  listHooks(owner: HookOwner, offset: number, limit: number): Promise<{ hooks: HookRecord[]; total: number }>;
  findHook(owner: HookOwner, id: number): Promise<HookRecord | null>;
  /** Inserts after `check` accepts the owner's existing hooks, atomically with respect to other writers. */
  insertHook(owner: HookOwner, draft: HookDraft, now: string, check: SiblingCheck): Promise<HookRecord>;
  /** Read-modify-write of one hook; `change` sees the current hook and its siblings. Null if the hook is gone. */
  updateHook(
    owner: HookOwner,
    id: number,
    now: string,
    change: (current: HookRecord, siblings: HookRecord[]) => HookDraft,
  ): Promise<HookRecord | null>;
  deleteHook(owner: HookOwner, id: number): Promise<boolean>;
}

/** What differs between engines, declared instead of tested for in services. */
export interface StoreCapabilities {
  /** Several processes may share the database (PostgreSQL), so wake-ups must cross processes. */
  readonly multiProcess: boolean;
}

export interface Store extends AccountStore, AccountAdminStore, HookStore, DeliveryStore, DashboardStore, AppStore, WorkerRegistry {
  readonly capabilities: StoreCapabilities;
  migrate(): Promise<void>;
  close(): Promise<void>;
}
