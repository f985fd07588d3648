// Provisioning through GitHub Enterprise Server's admin API: users, organizations, impersonation tokens,
// repositories, memberships and collaborators.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { appFor, assertError, target } from '../support/hooks.js';

describe('POST /admin/users', () => {
  test('the site admin creates a user (201, simple-user essentials)', async (t) => {
    const { app } = await appFor(t);
    const res = await app.call('POST', '/admin/users', { body: { login: 'Octo-Cat', email: 'octo@example.com' } });
    assert.equal(res.statusCode, 201, res.body);
    const user = res.json();
    assert.equal(user.login, 'Octo-Cat');
    assert.equal(user.type, 'User');
    assert.equal(user.site_admin, false);
    assert.equal(user.email, 'octo@example.com');
    assert.equal(typeof user.id, 'number');
    assert.equal(user.url, 'http://hookline.test/users/Octo-Cat');
    assert.equal(user.html_url, 'http://hookline.test/Octo-Cat');
  });

  test('a taken login, in any casing, is 422 and creates nothing', async (t) => {
    const { app } = await appFor(t);
    assert.equal((await app.call('POST', '/admin/users', { body: { login: 'bob' } })).statusCode, 201);
    for (const login of ['bob', 'BOB']) {
      const body = assertError(await app.call('POST', '/admin/users', { body: { login } }), 422, 'Validation Failed');
      assert.deepEqual(body.errors.map((e: any) => [e.resource, e.code, e.field]), [['User', 'already_exists', 'login']]);
    }
  });

  test('a login GitHub would refuse is 422', async (t) => {
    const { app } = await appFor(t);
    for (const login of ['-bob', 'bob-', 'bo--b', 'bo_b', 'b o b', '', 'x'.repeat(40)]) {
      const body = assertError(await app.call('POST', '/admin/users', { body: { login } }), 422, 'Validation Failed');
      assert.equal(body.errors[0].field, 'login', login);
    }
  });

  test('a missing or mistyped login is 422 Invalid request.', async (t) => {
    const { app } = await appFor(t);
    assertError(await app.call('POST', '/admin/users', { body: {} }), 422, /^Invalid request\./);
    assertError(await app.call('POST', '/admin/users', { body: { login: 7 } }), 422, /^Invalid request\./);
  });
});

describe('POST /admin/organizations', () => {
  test('creates an organization whose `admin` becomes its owner', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice', ['repo', 'admin:org']);
    await app.user('bob');
    const res = await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice', profile_name: 'Acme Inc.' } });
    assert.equal(res.statusCode, 201, res.body);
    const org = res.json();
    assert.equal(org.login, 'acme');
    assert.equal(org.type, 'Organization');
    assert.equal(org.name, 'Acme Inc.');
    assert.equal(org.url, 'http://hookline.test/orgs/acme');
    // Only an owner may set memberships: alice can.
    const m = await app.call('PUT', '/orgs/acme/memberships/bob', { token: alice, body: { role: 'member' } });
    assert.equal(m.statusCode, 200, m.body);
    assert.equal(m.json().role, 'member');
    assert.equal(m.json().organization.login, 'acme');
    assert.equal(m.json().user.login, 'bob');
  });

  test('an `admin` that is not a user is 422; a taken login is 422', async (t) => {
    const { app } = await appFor(t);
    await app.user('alice');
    assertError(await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'nobody' } }), 422, 'Validation Failed');
    assert.equal((await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } })).statusCode, 201);
    assertError(await app.call('POST', '/admin/organizations', { body: { login: 'Acme', admin: 'alice' } }), 422, 'Validation Failed');
    assertError(await app.call('POST', '/admin/organizations', { body: { login: 'alice', admin: 'alice' } }), 422, 'Validation Failed');
  });
});

describe('POST /admin/users/{username}/authorizations', () => {
  test('returns a working impersonation token with the requested scopes', async (t) => {
    const { app } = await appFor(t);
    await app.call('POST', '/admin/users', { body: { login: 'alice' } });
    const res = await app.call('POST', '/admin/users/alice/authorizations', { body: { scopes: ['repo', 'admin:repo_hook', 'repo'] } });
    assert.equal(res.statusCode, 201, res.body);
    const auth = res.json();
    assert.match(auth.token, /^ghp_[A-Za-z0-9]{36}$/);
    assert.equal(auth.token_last_eight, auth.token.slice(-8));
    assert.deepEqual(auth.scopes, ['admin:repo_hook', 'repo']);
    assert.equal(auth.user.login, 'alice');
    const repo = await app.call('POST', '/user/repos', { token: auth.token, body: { name: 'r' } });
    assert.equal(repo.statusCode, 201);
    assert.equal(repo.headers['x-oauth-scopes'], 'admin:repo_hook, repo');
  });

  test('each call makes a distinct token; an unknown user or an organization is 404', async (t) => {
    const { app } = await appFor(t);
    const a = await app.user('alice');
    const b = await app.user('alice');
    assert.notEqual(a, b);
    assertError(await app.call('POST', '/admin/users/ghost/authorizations', { body: { scopes: [] } }), 404, 'Not Found');
    await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
    assertError(await app.call('POST', '/admin/users/acme/authorizations', { body: { scopes: [] } }), 404, 'Not Found');
  });
});

test('non-admin callers get 404 on every /admin endpoint', async (t) => {
  const { app } = await appFor(t);
  const alice = await app.user('alice', ['repo', 'admin:org', 'site_admin', 'user']);
  for (const [url, body] of [
    ['/admin/users', { login: 'mallory' }],
    ['/admin/organizations', { login: 'evil', admin: 'alice' }],
    ['/admin/users/alice/authorizations', { scopes: ['repo'] }],
  ] as const) {
    assertError(await app.call('POST', url, { token: alice, body }), 404, 'Not Found');
    assertError(await app.call('POST', `/api/v3${url}`, { token: alice, body }), 404, 'Not Found');
  }
  // Nothing was created.
  assertError(await app.call('POST', '/admin/users/mallory/authorizations', { body: {} }), 404, 'Not Found');
});

describe('repositories', () => {
  test('POST /user/repos creates a repository owned by the caller', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice');
    const res = await app.call('POST', '/user/repos', { token: alice, body: { name: 'Hello-World', private: true } });
    assert.equal(res.statusCode, 201, res.body);
    const repo = res.json();
    assert.equal(repo.name, 'Hello-World');
    assert.equal(repo.full_name, 'alice/Hello-World');
    assert.equal(repo.owner.login, 'alice');
    assert.equal(repo.private, true);
    assert.equal(repo.url, 'http://hookline.test/repos/alice/Hello-World');
    assert.equal(repo.hooks_url, 'http://hookline.test/repos/alice/Hello-World/hooks');
    assert.equal(res.headers.location, repo.url);
    assertError(await app.call('POST', '/user/repos', { token: alice, body: { name: 'hello-world' } }), 422, 'Validation Failed');
    assertError(await app.call('POST', '/user/repos', { token: alice, body: { name: 'bad name' } }), 422, 'Validation Failed');
  });

  test('a token without repo or public_repo scope cannot create repositories', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice', ['read:repo_hook']);
    assertError(await app.call('POST', '/user/repos', { token: alice, body: { name: 'r' } }), 404, 'Not Found');
  });

  test('POST /orgs/{org}/repos: members may, outsiders get 404', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice', ['repo', 'admin:org']);
    const bob = await app.user('bob');
    const eve = await app.user('eve');
    await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
    assertError(await app.call('POST', '/orgs/acme/repos', { token: bob, body: { name: 'r' } }), 404, 'Not Found');
    assert.equal((await app.call('PUT', '/orgs/acme/memberships/bob', { token: alice, body: { role: 'member' } })).statusCode, 200);
    const res = await app.call('POST', '/orgs/ACME/repos', { token: bob, body: { name: 'r' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().full_name, 'acme/r');
    assert.equal(res.json().owner.type, 'Organization');
    assertError(await app.call('POST', '/orgs/acme/repos', { token: eve, body: { name: 'r2' } }), 404, 'Not Found');
    assertError(await app.call('POST', '/orgs/nope/repos', { token: alice, body: { name: 'r' } }), 404, 'Not Found');
  });
});

describe('memberships and collaborators', () => {
  test('PUT membership: only owners, only known roles', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice', ['repo', 'admin:org']);
    const bob = await app.user('bob', ['repo', 'admin:org']);
    await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
    assertError(await app.call('PUT', '/orgs/acme/memberships/bob', { token: bob, body: { role: 'admin' } }), 404, 'Not Found');
    assertError(await app.call('PUT', '/orgs/acme/memberships/bob', { token: alice, body: { role: 'king' } }), 422, /^Invalid request\./);
    assertError(await app.call('PUT', '/orgs/acme/memberships/ghost', { token: alice, body: { role: 'member' } }), 404, 'Not Found');
    const res = await app.call('PUT', '/orgs/acme/memberships/bob', { token: alice, body: { role: 'admin' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().state, 'active');
    // bob is now an owner and may set memberships himself.
    assert.equal((await app.call('PUT', '/orgs/acme/memberships/alice', { token: bob, body: { role: 'admin' } })).statusCode, 200);
  });

  test('PUT collaborator is 204 at once; the collaborator with admin can manage hooks', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice');
    const bob = await app.user('bob');
    await app.repo(alice, 'Hello');
    const hooks = '/repos/alice/Hello/hooks';
    assertError(await app.call('GET', hooks, { token: bob }), 404, 'Not Found');
    for (const permission of ['pull', 'triage', 'push', 'maintain']) {
      const res = await app.call('PUT', `/repos/alice/Hello/collaborators/bob`, { token: alice, body: { permission } });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.body, '');
      assertError(await app.call('GET', hooks, { token: bob }), 404, 'Not Found');
    }
    assert.equal((await app.call('PUT', '/repos/alice/Hello/collaborators/bob', { token: alice, body: { permission: 'admin' } })).statusCode, 204);
    assert.equal((await app.call('POST', hooks, { token: bob, body: { config: { url: target() } } })).statusCode, 201);
  });

  test('PUT collaborator: non-admins get 404, bad permission is 422, unknown user 404', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice');
    const bob = await app.user('bob');
    await app.user('carol');
    await app.repo(alice, 'Hello');
    const url = '/repos/alice/Hello/collaborators/carol';
    assertError(await app.call('PUT', url, { token: bob, body: { permission: 'admin' } }), 404, 'Not Found');
    assertError(await app.call('PUT', url, { token: alice, body: { permission: 'owner' } }), 422, /^Invalid request\./);
    assertError(await app.call('PUT', '/repos/alice/Hello/collaborators/ghost', { token: alice, body: {} }), 404, 'Not Found');
    assertError(await app.call('PUT', '/repos/alice/nope/collaborators/carol', { token: alice, body: {} }), 404, 'Not Found');
    // The site admin may add collaborators anywhere.
    assert.equal((await app.call('PUT', url, { token: ADMIN_TOKEN, body: { permission: 'admin' } })).statusCode, 204);
  });
});
