// Authentication schemes, classic OAuth scopes per operation, and who may administer a repository's hooks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allHooks, appFor, assertError, createHook, ownedRepo, target } from '../support/hooks.js';

describe('authentication', () => {
  test('Authorization: Bearer and token schemes both work, case-insensitively', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    for (const authorization of [`Bearer ${token}`, `token ${token}`, `bearer ${token}`, `TOKEN ${token}`]) {
      const res = await app.call('GET', path, { token: null, headers: { authorization } });
      assert.equal(res.statusCode, 200, `${authorization.split(' ')[0]}: ${res.body}`);
    }
  });

  test('no credentials is 401 Requires authentication', async (t) => {
    const { app, path } = await ownedRepo(t);
    assertError(await app.call('GET', path, { token: null }), 401, 'Requires authentication');
    assertError(await app.call('POST', path, { token: null, body: { config: { url: target() } } }), 401, 'Requires authentication');
    assertError(await app.call('POST', '/admin/users', { token: null, body: { login: 'x' } }), 401, 'Requires authentication');
  });

  test('an unknown token or an unknown scheme is 401 Bad credentials', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    assertError(await app.call('GET', path, { token: 'ghp_000000000000000000000000000000000000' }), 401, 'Bad credentials');
    assertError(await app.call('GET', path, { token: null, headers: { authorization: `Bearer ${token}x` } }), 401, 'Bad credentials');
    assertError(await app.call('GET', path, { token: null, headers: { authorization: `Basic ${token}` } }), 401, 'Bad credentials');
    assertError(await app.call('GET', path, { token: null, headers: { authorization: token } }), 401, 'Bad credentials');
    assertError(await app.call('DELETE', `${path}/1`, { token: 'nope' }), 401, 'Bad credentials');
  });
});

describe('scopes', () => {
  const ops = (path: string, id: number) => ({
    list: ['GET', path, undefined],
    get: ['GET', `${path}/${id}`, undefined],
    getConfig: ['GET', `${path}/${id}/config`, undefined],
    create: ['POST', path, { events: ['create'], config: { url: target('new') } }],
    update: ['PATCH', `${path}/${id}`, { active: false }],
    updateConfig: ['PATCH', `${path}/${id}/config`, { content_type: 'json' }],
    delete: ['DELETE', `${path}/${id}`, undefined],
  }) as Record<string, [string, string, unknown]>;

  const cases: Array<[string[], string[]]> = [
    [['read:repo_hook'], ['list', 'get', 'getConfig']],
    [['write:repo_hook'], ['list', 'get', 'getConfig', 'create', 'update', 'updateConfig']],
    [['admin:repo_hook'], ['list', 'get', 'getConfig', 'create', 'update', 'updateConfig', 'delete']],
    [['repo'], ['list', 'get', 'getConfig', 'create', 'update', 'updateConfig', 'delete']],
    [['public_repo'], ['list', 'get', 'getConfig', 'create', 'update', 'updateConfig', 'delete']],
    [['user', 'admin:org', 'admin:org_hook', 'read:org'], []],
    [[], []],
  ];
  for (const [scopes, allowed] of cases) {
    test(`a token with [${scopes.join(', ')}] may ${allowed.length ? allowed.join(', ') : 'do nothing'}; the rest are 404`, async (t) => {
      const { app, token: owner, path } = await ownedRepo(t);
      const token = await app.user('alice', scopes); // the owner, with only these scopes
      for (const [name, [method, , body]] of Object.entries(ops(path, 0))) {
        // A fresh hook per operation, so a delete or update cannot hide the next check.
        const hook = await createHook(app, owner, path, { events: ['push'], config: { url: target(name) } });
        const [, url] = ops(path, hook.id)[name];
        const before = await allHooks(app, owner, path);
        const res = await app.call(method, url, { token, body });
        if (allowed.includes(name)) {
          assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${name}: ${res.statusCode} ${res.body}`);
        } else {
          assertError(res, 404, 'Not Found');
          assert.deepEqual(await allHooks(app, owner, path), before, `${name} changed state`);
        }
        assert.equal(res.headers['x-oauth-scopes'], [...scopes].sort().join(', '));
        assert.equal(typeof res.headers['x-accepted-oauth-scopes'], 'string');
        if (name === 'create') await app.call('DELETE', `${path}/${res.json().id ?? 0}`, { token: owner });
      }
    });
  }

  test('public_repo does not reach private repositories', async (t) => {
    const { app } = await appFor(t);
    const owner = await app.user('alice', ['repo']);
    const token = await app.user('alice', ['public_repo']);
    await app.call('POST', '/user/repos', { token: owner, body: { name: 'secret-repo', private: true } });
    const path = '/repos/alice/secret-repo/hooks';
    await createHook(app, owner, path, { config: { url: target() } });
    assertError(await app.call('GET', path, { token }), 404, 'Not Found');
    assertError(await app.call('POST', path, { token, body: { events: ['issues'], config: { url: target(2) } } }), 404, 'Not Found');
    assert.equal((await allHooks(app, owner, path)).length, 1);
  });

  test('X-Accepted-OAuth-Scopes lists what each operation accepts, even on a 404', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const accepted = async (method: string, url: string, body?: unknown, as = token) =>
      (await app.call(method, url, { token: as, body })).headers['x-accepted-oauth-scopes'];
    const read = 'admin:repo_hook, public_repo, read:repo_hook, repo, write:repo_hook';
    const write = 'admin:repo_hook, public_repo, repo, write:repo_hook';
    assert.equal(await accepted('GET', path), read);
    assert.equal(await accepted('GET', `${path}/${hook.id}`), read);
    assert.equal(await accepted('GET', `${path}/${hook.id}/config`), read);
    assert.equal(await accepted('POST', path, { events: ['issues'], config: { url: target(2) } }), write);
    assert.equal(await accepted('PATCH', `${path}/${hook.id}`, { active: true }), write);
    assert.equal(await accepted('PATCH', `${path}/${hook.id}/config`, {}), write);
    const reader = await app.user('alice', ['read:repo_hook']);
    assert.equal(await accepted('DELETE', `${path}/${hook.id}`, undefined, reader), 'admin:repo_hook, public_repo, repo');
    assert.equal(await accepted('DELETE', `${path}/${hook.id}`), 'admin:repo_hook, public_repo, repo');
  });
});

describe('who may administer repository hooks', () => {
  test('a user who neither owns nor administers the repository gets 404 for everything', async (t) => {
    const { app, token: owner, path } = await ownedRepo(t);
    const hook = await createHook(app, owner, path, { config: { url: target() } });
    const bob = await app.user('bob', ['repo', 'admin:repo_hook']);
    const before = await allHooks(app, owner, path);
    assertError(await app.call('GET', path, { token: bob }), 404, 'Not Found');
    assertError(await app.call('GET', `${path}/${hook.id}`, { token: bob }), 404, 'Not Found');
    assertError(await app.call('GET', `${path}/${hook.id}/config`, { token: bob }), 404, 'Not Found');
    assertError(await app.call('POST', path, { token: bob, body: { events: ['issues'], config: { url: target(2) } } }), 404, 'Not Found');
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token: bob, body: { active: false } }), 404, 'Not Found');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token: bob, body: { url: target(3) } }), 404, 'Not Found');
    assertError(await app.call('DELETE', `${path}/${hook.id}`, { token: bob }), 404, 'Not Found');
    // Same answer as for a repository that does not exist.
    assertError(await app.call('GET', '/repos/alice/missing/hooks', { token: owner }), 404, 'Not Found');
    assert.deepEqual(await allHooks(app, owner, path), before);
  });

  test('an admin collaborator may manage hooks; a maintain collaborator may not', async (t) => {
    const { app, token: owner, path } = await ownedRepo(t);
    const bob = await app.user('bob', ['repo']);
    const carol = await app.user('carol', ['repo']);
    await app.call('PUT', '/repos/alice/Hello/collaborators/bob', { token: owner, body: { permission: 'admin' } });
    await app.call('PUT', '/repos/alice/Hello/collaborators/carol', { token: owner, body: { permission: 'maintain' } });
    const hook = await createHook(app, bob, path, { config: { url: target() } });
    assert.equal((await app.call('PATCH', `${path}/${hook.id}`, { token: bob, body: { add_events: ['issues'] } })).statusCode, 200);
    assert.equal((await app.call('GET', path, { token: owner })).json().length, 1);
    assertError(await app.call('GET', path, { token: carol }), 404, 'Not Found');
    assert.equal((await app.call('DELETE', `${path}/${hook.id}`, { token: bob })).statusCode, 204);
  });

  test('an owner of the organization that owns the repository may manage its hooks; plain members may not', async (t) => {
    const { app } = await appFor(t);
    const alice = await app.user('alice', ['repo', 'admin:org']);
    const bob = await app.user('bob', ['repo']);
    const carol = await app.user('carol', ['repo']);
    await app.call('POST', '/admin/organizations', { body: { login: 'Acme', admin: 'alice' } });
    for (const login of ['bob', 'carol']) {
      await app.call('PUT', `/orgs/acme/memberships/${login}`, { token: alice, body: { role: 'member' } });
    }
    await app.repo(bob, 'widgets', 'acme'); // bob, its creator, gets admin on it
    const path = '/repos/acme/widgets/hooks';
    const hook = await createHook(app, alice, path, { config: { url: target() } });
    assert.equal(hook.url, `http://hookline.test/repos/Acme/widgets/hooks/${hook.id}`);
    assert.equal((await app.call('GET', path, { token: bob })).statusCode, 200);
    assertError(await app.call('GET', path, { token: carol }), 404, 'Not Found');
    assertError(await app.call('DELETE', `${path}/${hook.id}`, { token: carol }), 404, 'Not Found');
    assert.equal((await app.call('DELETE', `${path}/${hook.id}`, { token: alice })).statusCode, 204);
  });

  test('the site admin may manage any repository hooks; X-OAuth-Scopes names its scopes', async (t) => {
    const { app, path } = await ownedRepo(t);
    const res = await app.call('POST', path, { body: { config: { url: target() } } });
    assert.equal(res.statusCode, 201, res.body);
    assert.match(String(res.headers['x-oauth-scopes']), /\brepo\b/);
  });
});
