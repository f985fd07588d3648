// GitHub's fuller shapes for the read endpoints: `full-repository` (create and get), `repository`
// (listings), `private-user` (GET /user) and `organization-full` (GET /orgs/{org}).
import type { Account, Repository } from '../domain/model.js';
import type { OwnedCounts } from '../storage/store.js';
import { repositoryWebhookShape } from './delivery-shapes.js';
import { fullUser, simpleOrganization, simpleUser, type Urls } from './shapes.js';

/**
 * GitHub's `repository`: the payloads' repository object with `pushed_at` set, since GitHub records
 * the creation as the first push and the schema does not allow null there.
 */
export function listedRepositoryShape(r: Repository, u: Urls) {
  return { ...repositoryWebhookShape(r, u), pushed_at: r.pushedAt ?? r.createdAt };
}

/** GitHub's `full-repository`, answered by create and get. */
export function fullRepositoryShape(r: Repository, u: Urls) {
  return {
    ...listedRepositoryShape(r, u),
    network_count: 0,
    subscribers_count: 0,
    ...(r.owner.type === 'Organization' ? { organization: simpleUser(r.owner, u) } : {}),
  };
}

/**
 * GitHub's `private-user`, as the authenticated user sees themselves. Hookline keeps no profile
 * beyond login, name and email, and has no followers, gists or collaborators, so those are empty.
 */
export function privateUserShape(a: Account, owned: OwnedCounts, u: Urls) {
  return {
    ...fullUser(a, u),
    company: null,
    blog: null,
    location: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: owned.public,
    public_gists: 0,
    followers: 0,
    following: 0,
    private_gists: 0,
    total_private_repos: owned.private,
    owned_private_repos: owned.private,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

/** GitHub's `organization-full`; projects, gists and followers do not exist in Hookline. */
export function organizationFullShape(o: Account, owned: OwnedCounts, u: Urls) {
  return {
    ...simpleOrganization(o, u),
    // The schema allows company, blog, location and email to be absent but not null.
    ...(o.name !== null ? { name: o.name } : {}),
    twitter_username: null,
    is_verified: false,
    has_organization_projects: false,
    has_repository_projects: false,
    public_repos: owned.public,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${u.html}/${o.login}`,
    type: 'Organization',
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    archived_at: null,
  };
}
