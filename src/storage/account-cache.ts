// Accounts, repositories and the App installations reaching them, as requests look them up, kept once
// found, so an ingested event does not resolve its caller, its repository and the Apps it goes to with a
// query each.
//
// Accounts change only through GHES user administration (suspend, unsuspend, delete), and each such
// change moves a version in the database (storage/account-admin.ts) in its own transaction; so does
// every change to an installation (created, suspended, unsuspended, deleted). Every authenticated
// request starts by reading that version (syncAccounts, or findTokenAndSyncAccounts in the statement
// that finds its token) and starts the cache over when it moved, so no process serves an account,
// repository or installation from before a change committed before its request began. Missing accounts
// and repositories are not kept, since another request or process may insert the row next. A feature
// that changes accounts, repositories or installations in any other way must move the version in the
// same transaction.
import type { Account, Repository } from '../domain/model.js';
import { rememberBounded } from '../bounded-map.js';
import type { AppStore, InstallationRecord } from './app-store.js';
import type { AccountStore, FoundToken } from './store.js';

/** What an adapter provides: the account store without its syncing calls, and the version every change moves. */
export type AccountRows = Omit<AccountStore, 'syncAccounts' | 'findTokenAndSyncAccounts'> & {
  accountsVersion(): Promise<number>;
  /** The token with this hash and accountsVersion, read together (one statement where the database is remote). */
  findTokenWithVersion(tokenHash: string): Promise<{ found: FoundToken | null; version: number }>;
};

/** Entries kept per map before it starts over (an account or a repository is a few hundred bytes). */
const MAX_ENTRIES = 10_000;

type Reaching = Pick<AppStore, 'installationsReaching'>;

/** The adapter's account store, with found accounts, repositories and reaching installations answered from memory. */
export function withAccountCache(store: AccountRows, apps: Reaching): AccountStore & Reaching {
  let version: number | null = null;
  // Moves whenever the maps start over: a lookup that began before then does not keep what it read.
  let epoch = 0;
  const accountsByLogin = new Map<string, Account>();
  const accountsById = new Map<number, Account>();
  const reposByName = new Map<string, Repository>();
  const reposById = new Map<number, Repository>();
  const installationsByPlace = new Map<string, readonly InstallationRecord[]>();

  // Frozen, because every caller now shares the one object: a service that changed it would change
  // what the next request reads.
  const keepAccount = (account: Account | null, since = epoch): Account | null => {
    if (!account || since !== epoch) return account;
    const kept = accountsById.get(account.id) ?? Object.freeze(account);
    remember(accountsById, account.id, kept);
    remember(accountsByLogin, kept.login.toLowerCase(), kept);
    return kept;
  };
  const keepRepository = (repo: Repository | null, since = epoch): Repository | null => {
    if (!repo || since !== epoch) return repo;
    const kept = reposById.get(repo.id) ?? Object.freeze({ ...repo, owner: keepAccount(repo.owner)! });
    remember(reposById, repo.id, kept);
    remember(reposByName, repoKey(kept.owner.login, kept.name), kept);
    return kept;
  };

  const sync = (current: number) => {
    if (current === version) return;
    version = current;
    epoch++;
    for (const map of [accountsByLogin, accountsById, reposByName, reposById, installationsByPlace]) map.clear();
  };

  const { accountsVersion, findTokenWithVersion, ...rows } = store;
  return {
    ...rows,
    async syncAccounts() {
      sync(await accountsVersion());
    },
    async findTokenAndSyncAccounts(hash) {
      const { found, version: current } = await findTokenWithVersion(hash);
      sync(current);
      return found;
    },
    async findAccountByLogin(login) {
      const since = epoch;
      return accountsByLogin.get(login.toLowerCase()) ?? keepAccount(await store.findAccountByLogin(login), since);
    },
    async findAccountById(id) {
      const since = epoch;
      return accountsById.get(id) ?? keepAccount(await store.findAccountById(id), since);
    },
    async findRepository(ownerLogin, name) {
      const since = epoch;
      return reposByName.get(repoKey(ownerLogin, name)) ?? keepRepository(await store.findRepository(ownerLogin, name), since);
    },
    async findRepositoryById(id) {
      const since = epoch;
      return reposById.get(id) ?? keepRepository(await store.findRepositoryById(id), since);
    },
    // Kept even when empty (most accounts have no App installed): an installation is created only with
    // the version moved, which starts every cache over.
    async installationsReaching(accountId, repositoryId) {
      const since = epoch;
      const place = `${accountId}/${repositoryId ?? ''}`;
      const kept = installationsByPlace.get(place);
      if (kept) return [...kept];
      const found = await apps.installationsReaching(accountId, repositoryId);
      for (const i of found) Object.freeze(Object.freeze(i).repositoryIds); // shared by every later caller
      if (since === epoch) remember(installationsByPlace, place, found);
      return [...found];
    },
  };
}

/** Logins and repository names are case-insensitive, as the adapters look them up. */
const repoKey = (ownerLogin: string, name: string) => `${ownerLogin.toLowerCase()}/${name.toLowerCase()}`;

const remember = <K, V>(map: Map<K, V>, key: K, value: V) => rememberBounded(map, key, value, MAX_ENTRIES);
