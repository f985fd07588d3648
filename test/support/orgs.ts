// Shortcuts for organization webhook tests: an organization owned by a user whose token carries
// `admin:org_hook`, and the cast of callers who must not see its hooks.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { TestApp } from './app.js';
import { appFor, type ManualClock } from './hooks.js';

export const ORG = 'Octo-Org';

/** Creates an organization through the admin API with `admin` as its owner. */
export async function createOrg(app: TestApp, login: string, admin: string): Promise<any> {
  const res = await app.call('POST', '/admin/organizations', { body: { login, admin } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Sets `user`'s role in `org` as the site admin. */
export async function setRole(app: TestApp, org: string, user: string, role: 'admin' | 'member'): Promise<void> {
  const res = await app.call('PUT', `/orgs/${org}/memberships/${user}`, { body: { role } });
  assert.equal(res.statusCode, 200, res.body);
}

/**
 * alice owns Octo-Org with a token scoped `admin:org_hook`. `path` addresses the hooks in another
 * casing than the organization's, since org names are not case-sensitive.
 */
export async function ownedOrg(t: TestContext, env: Record<string, string> = {}, opts: { databaseUrl?: string; clock?: ManualClock } = {}) {
  const { app, clock } = await appFor(t, env, opts);
  const token = await app.user('alice', ['admin:org_hook']);
  const org = await createOrg(app, ORG, 'alice');
  return { app, clock, token, org, path: '/orgs/octo-org/hooks' };
}
