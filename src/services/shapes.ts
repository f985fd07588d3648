// GitHub's JSON shapes for users, organizations, repositories and hooks. Used by API responses and by
// webhook payloads alike, so a receiver sees the same objects either way.
import type { Account, HookRecord, Repository } from '../domain/model.js';

/** Base URLs every shape is built from: the API root and the web root. */
export interface Urls {
  api: string;
  html: string;
}

export function urlsFor(publicUrl: string): Urls {
  const html = new URL(publicUrl).origin;
  return { api: publicUrl.replace(/\/+$/, ''), html };
}

/** GitHub-style global node id for an object of `kind`. */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
}

/** GitHub's `simple-user` (also used for organizations inside payloads' `owner`). */
export function simpleUser(a: Account, u: Urls) {
  const api = `${u.api}/users/${a.login}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `${u.html}/avatars/${a.login}`,
    gravatar_id: '',
    url: api,
    html_url: `${u.html}/${a.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: a.siteAdmin,
  };
}

/** The user object returned by user-creating endpoints (simple-user plus profile fields). */
export function fullUser(a: Account, u: Urls) {
  return { ...simpleUser(a, u), name: a.name, email: a.email, created_at: a.createdAt, updated_at: a.updatedAt };
}

/** GitHub's `organization-simple` (webhook payloads' `organization`). */
export function simpleOrganization(o: Account, u: Urls) {
  const api = `${u.api}/orgs/${o.login}`;
  return {
    login: o.login,
    id: o.id,
    node_id: nodeId('Organization', o.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${u.html}/avatars/${o.login}`,
    description: null,
  };
}

/** The organization object returned by the admin API. */
export function fullOrganization(o: Account, u: Urls) {
  return {
    ...simpleOrganization(o, u),
    name: o.name,
    html_url: `${u.html}/${o.login}`,
    type: 'Organization',
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

/** Repository essentials, as in API responses and webhook payloads. */
export function repositoryShape(r: Repository, u: Urls) {
  const fullName = `${r.owner.login}/${r.name}`;
  const api = `${u.api}/repos/${fullName}`;
  return {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    owner: simpleUser(r.owner, u),
    html_url: `${u.html}/${fullName}`,
    description: r.description,
    fork: false,
    url: api,
    hooks_url: `${api}/hooks`,
    events_url: `${api}/events`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    git_url: `${u.html.replace(/^https?/, 'git')}/${fullName}.git`,
    clone_url: `${u.html}/${fullName}.git`,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    pushed_at: r.pushedAt,
    default_branch: 'main',
    visibility: r.private ? 'private' : 'public',
  };
}

/** GitHub's `webhook-config`: secrets and credentials only ever as "********". */
export function configShape(hook: HookRecord) {
  const c = hook.config;
  const shape: Record<string, string> = { content_type: c.contentType, insecure_ssl: c.insecureSsl };
  if (c.password !== null) shape.password = '********';
  if (c.secret !== null) shape.secret = '********';
  shape.url = c.url;
  if (c.username !== null) shape.username = '********';
  return shape;
}

/** GitHub's `hook` (repository) or `org-hook` (organization) object; `path` is the owner's API path. */
export function hookShape(hook: HookRecord, path: string, u: Urls) {
  const url = `${u.api}/${path}/hooks/${hook.id}`;
  const isRepo = hook.owner.type === 'repository';
  return {
    type: isRepo ? 'Repository' : 'Organization',
    ...hookFields(hook),
    url,
    ...(isRepo ? { test_url: `${url}/test` } : {}),
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
    ...(isRepo ? { last_response: hook.lastResponse } : {}),
  };
}

/** A GitHub App's webhook as its `ping` shows it: the App's id, and the App's delivery log as its only URL. */
export function appHookShape(hook: HookRecord, u: Urls) {
  return { type: 'App', ...hookFields(hook), app_id: hook.owner.id, deliveries_url: `${u.api}/app/hook/deliveries` };
}

function hookFields(hook: HookRecord) {
  return {
    id: hook.id,
    name: hook.name,
    active: hook.active,
    events: hook.events,
    config: configShape(hook),
    updated_at: hook.updatedAt,
    created_at: hook.createdAt,
  };
}
