// What the caller may read about accounts and repositories: GET /user, /user/repos, /user/orgs,
// /repos/{owner}/{repo} and /orgs/{org}. Lack of access is NotFound, as on GitHub.
import { NotFound } from '../domain/errors.js';
import type { Account, Repository } from '../domain/model.js';
import type { OwnedCounts, PageRequest, Paged, Store } from '../storage/store.js';
import type { AccessService, Principal } from './access.js';

/** Classic scopes that let a token see private repositories. */
export const PRIVATE_REPO_SCOPES = ['repo'];

export class DirectoryService {
  constructor(private readonly store: Store, private readonly access: AccessService) {}

  /** The caller and the repositories it owns, for GET /user (no scope needed). */
  async viewer(principal: Principal): Promise<{ user: Account; owned: OwnedCounts }> {
    return { user: principal.user, owned: await this.store.countOwnedRepositories(principal.user.id) };
  }

  /** Repositories the caller can read; private ones only with the `repo` scope, as on GitHub. */
  async repositories(principal: Principal, page: PageRequest): Promise<Paged<Repository>> {
    const publicOnly = !this.access.hasScope(principal, PRIVATE_REPO_SCOPES);
    return this.store.listRepositoriesForUser(principal.user.id, { ...page, publicOnly });
  }

  /** Organizations the caller is a member of. */
  async organizations(principal: Principal, page: PageRequest): Promise<Paged<Account>> {
    return this.store.listOrganizationsForUser(principal.user.id, page);
  }

  /** A public repository, or a private one the caller can read with a `repo`-scoped token. */
  async repository(principal: Principal, ownerLogin: string, name: string): Promise<Repository> {
    const repo = await this.store.findRepository(ownerLogin, name);
    if (!repo) throw new NotFound();
    if (repo.private && !(this.access.hasScope(principal, PRIVATE_REPO_SCOPES) && (await this.canRead(principal, repo)))) {
      throw new NotFound();
    }
    return repo;
  }

  /** Any organization (organization profiles are public on GitHub). */
  async organization(login: string): Promise<{ org: Account; owned: OwnedCounts }> {
    const org = await this.store.findAccountByLogin(login);
    if (!org || org.type !== 'Organization') throw new NotFound();
    return { org, owned: await this.store.countOwnedRepositories(org.id) };
  }

  private async canRead(principal: Principal, repo: Repository): Promise<boolean> {
    if (principal.siteAdmin || repo.owner.id === principal.user.id) return true;
    if (repo.owner.type === 'Organization' && (await this.store.findOrgRole(repo.owner.id, principal.user.id))) return true;
    return (await this.store.findCollaboratorPermission(repo.id, principal.user.id)) !== null;
  }
}
