// Accounts and repositories as requests look them up, kept once found, so an ingested event does not
// resolve its caller and repository with a query each.
//
// Rule: sound only while no statement in either adapter updates or deletes an account or a
// repository, so a row once found stays true for every process on the database; misses are not kept.
// A change that renames, changes or deletes accounts or repositories must drop this cache (or
// invalidate it on that write, in every process) in the same change.
import type { Account, Repository } from '../domain/model.js';
import { rememberBounded } from '../bounded-map.js';
import type { AccountStore } from './store.js';

/** Entries kept per map before it starts over (an account or a repository is a few hundred bytes). */
const MAX_ENTRIES = 10_000;

/** The adapter's account store, with found accounts and repositories answered from memory. */
export function withAccountCache(store: AccountStore): AccountStore {
  const accountsByLogin = new Map<string, Account>();
  const accountsById = new Map<number, Account>();
  const reposByName = new Map<string, Repository>();
  const reposById = new Map<number, Repository>();

  // Frozen, because every caller now shares the one object: a service that changed it would change
  // what the next request reads.
  const keepAccount = (account: Account | null): Account | null => {
    if (!account) return null;
    const kept = accountsById.get(account.id) ?? Object.freeze(account);
    remember(accountsById, account.id, kept);
    remember(accountsByLogin, kept.login.toLowerCase(), kept);
    return kept;
  };
  const keepRepository = (repo: Repository | null): Repository | null => {
    if (!repo) return null;
    const kept = reposById.get(repo.id) ?? Object.freeze({ ...repo, owner: keepAccount(repo.owner)! });
    remember(reposById, repo.id, kept);
    remember(reposByName, repoKey(kept.owner.login, kept.name), kept);
    return kept;
  };

  return {
    ...store,
    async findAccountByLogin(login) {
      return accountsByLogin.get(login.toLowerCase()) ?? keepAccount(await store.findAccountByLogin(login));
    },
    async findAccountById(id) {
      return accountsById.get(id) ?? keepAccount(await store.findAccountById(id));
    },
    async findRepository(ownerLogin, name) {
      return reposByName.get(repoKey(ownerLogin, name)) ?? keepRepository(await store.findRepository(ownerLogin, name));
    },
    async findRepositoryById(id) {
      return reposById.get(id) ?? keepRepository(await store.findRepositoryById(id));
    },
  };
}

/** Logins and repository names are case-insensitive, as the adapters look them up. */
const repoKey = (ownerLogin: string, name: string) => `${ownerLogin.toLowerCase()}/${name.toLowerCase()}`;

const remember = <K, V>(map: Map<K, V>, key: K, value: V) => rememberBounded(map, key, value, MAX_ENTRIES);
