// Who is calling and what they may administer. Lack of access is NotFound, as GitHub hides what you
// cannot administer; the scopes each operation accepts are exported so the API can advertise them.
import { Forbidden, NotFound, Unauthorized } from '../domain/errors.js';
import type { Account, HookOwner, Repository } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import { hashToken, sameHash } from './tokens.js';

/** The authenticated caller. */
export interface Principal {
  user: Account;
  scopes: string[];
  siteAdmin: boolean;
}

export type HookAccess = 'read' | 'write' | 'admin';

/** Classic OAuth scopes accepted for repository hook operations (GitHub's scope documentation). */
export const REPO_HOOK_SCOPES: Record<HookAccess, string[]> = {
  read: ['admin:repo_hook', 'read:repo_hook', 'repo', 'write:repo_hook'],
  write: ['admin:repo_hook', 'repo', 'write:repo_hook'],
  admin: ['admin:repo_hook', 'repo'],
};
export const ORG_HOOK_SCOPES = ['admin:org_hook'];
export const INGEST_SCOPES = ['admin:hookline'];
/** Scopes shown in X-OAuth-Scopes for the site administrator's token, which may do everything. */
export const SITE_ADMIN_SCOPES = ['admin:hookline', 'admin:org', 'admin:org_hook', 'admin:repo_hook', 'repo', 'site_admin', 'user'];

/** A resolved place that holds hooks, with what the API needs to render URLs and payloads. */
export interface HookScope {
  owner: HookOwner;
  /** API path of the owner, e.g. `repos/octo/hello` or `orgs/octo`. */
  path: string;
  repository: Repository | null;
  organization: Account | null;
}

export class AccessService {
  private adminTokenHash: string | null = null;

  constructor(private readonly store: Store) {}

  /** Sets the site administrator's token (its hash only is kept). */
  setAdminTokenHash(hash: string): void {
    this.adminTokenHash = hash;
  }

  /** Whether `token` is the site administrator's token in force (constant-time). */
  isSiteAdminToken(token: string): boolean {
    return this.adminTokenHash !== null && sameHash(hashToken(token), this.adminTokenHash);
  }

  /** Resolves `Authorization: token …` / `Bearer …`. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new Unauthorized('Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new Unauthorized('Bad credentials');
    return this.authenticateHash(hashToken(match[1]));
  }

  /** The caller whose token has this hash (a dashboard session keeps only the hash). */
  async authenticateHash(hash: string): Promise<Principal> {
    if (this.adminTokenHash && sameHash(hash, this.adminTokenHash)) {
      await this.store.syncAccounts();
      const admin = await this.store.findAccountByLogin(SITE_ADMIN_LOGIN);
      if (admin) return { user: admin, scopes: SITE_ADMIN_SCOPES, siteAdmin: true };
    }
    // The lookup is by a SHA-256 of the token, so timing reveals nothing about stored tokens. The token
    // and its user are read from the database every time: revocation and suspension apply at once.
    const found = await this.store.findTokenAndSyncAccounts(hash);
    if (!found) throw new Unauthorized('Bad credentials');
    if (found.user.suspendedAt !== null) throw new Forbidden('Sorry. Your account was suspended.');
    return { user: found.user, scopes: found.token.scopes, siteAdmin: found.user.siteAdmin && found.token.scopes.includes('site_admin') };
  }

  hasScope(principal: Principal, accepted: readonly string[]): boolean {
    return principal.siteAdmin || accepted.some((s) => principal.scopes.includes(s));
  }

  requireSiteAdmin(principal: Principal): void {
    if (!principal.siteAdmin) throw new NotFound();
  }

  /** The repository, if the caller administers it and the token carries a scope for `need`. */
  async repoHookScope(principal: Principal, ownerLogin: string, repoName: string, need: HookAccess): Promise<HookScope> {
    const repo = await this.store.findRepository(ownerLogin, repoName);
    if (!repo) throw new NotFound();
    const scopes = [...REPO_HOOK_SCOPES[need], ...(repo.private ? [] : ['public_repo'])];
    if (!this.hasScope(principal, scopes) || !(await this.administersRepo(principal, repo))) throw new NotFound();
    const organization = repo.owner.type === 'Organization' ? repo.owner : null;
    return { owner: { type: 'repository', id: repo.id }, path: `repos/${repo.owner.login}/${repo.name}`, repository: repo, organization };
  }

  /** The organization, if the caller owns it and the token carries `admin:org_hook`. */
  async orgHookScope(principal: Principal, orgLogin: string): Promise<HookScope> {
    const org = await this.store.findAccountByLogin(orgLogin);
    if (!org || org.type !== 'Organization') throw new NotFound();
    if (!this.hasScope(principal, ORG_HOOK_SCOPES) || !(await this.ownsOrg(principal, org))) throw new NotFound();
    return { owner: { type: 'organization', id: org.id }, path: `orgs/${org.login}`, repository: null, organization: org };
  }

  async administersRepo(principal: Principal, repo: Repository): Promise<boolean> {
    if (principal.siteAdmin || repo.owner.id === principal.user.id) return true;
    if (repo.owner.type === 'Organization' && (await this.ownsOrg(principal, repo.owner))) return true;
    return (await this.store.findCollaboratorPermission(repo.id, principal.user.id)) === 'admin';
  }

  async ownsOrg(principal: Principal, org: Account): Promise<boolean> {
    if (principal.siteAdmin) return true;
    return (await this.store.findOrgRole(org.id, principal.user.id)) === 'admin';
  }
}

/** Login of the account that the site administrator's token acts as. */
export const SITE_ADMIN_LOGIN = 'hookline-admin';
