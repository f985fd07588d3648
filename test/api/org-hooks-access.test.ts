// Organization webhooks: who may administer them (owners with admin:org_hook, or the site admin; 404
// for everyone else, at once after a membership change) and the basic-auth credentials they carry.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { TestApp } from '../support/app.js';
import { allHooks, assertError, createHook, target } from '../support/hooks.js';
import { ORG, ownedOrg, setRole } from '../support/orgs.js';

/** Every O1–O11 request against one hook, with a body where the endpoint takes one. */
function everyEndpoint(path: string, hookId: number): Array<[string, string, unknown?]> {
  const hook = `${path}/${hookId}`;
  return [
    ['GET', path],
    ['POST', path, { name: 'web', events: ['team'], config: { url: target('intruder') } }],
    ['GET', hook],
    ['PATCH', hook, { active: false }],
    ['DELETE', hook],
    ['GET', `${hook}/config`],
    ['PATCH', `${hook}/config`, { url: target('intruder') }],
    ['GET', `${hook}/deliveries`],
    ['GET', `${hook}/deliveries/1`],
    ['POST', `${hook}/deliveries/1/attempts`],
    ['POST', `${hook}/pings`],
  ];
}

/** Asserts that `token` gets 404 Not Found from every endpoint, with the accepted scope advertised. */
async function assertHidden(app: TestApp, token: string, path: string, hookId: number, who: string): Promise<void> {
  for (const [method, url, body] of everyEndpoint(path, hookId)) {
    const res = await app.call(method, url, { token, body });
    assertError(res, 404, 'Not Found');
    assert.equal(res.headers['x-accepted-oauth-scopes'], 'admin:org_hook', `${who}: ${method} ${url}`);
  }
}

describe('who may administer organization hooks', () => {
  test('an owner without admin:org_hook, a member and a stranger with it: 404 everywhere, nothing changes', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', config: { url: target() } });
    const ownerWithoutScope = await app.user('alice', ['repo', 'admin:repo_hook', 'admin:org', 'write:org', 'read:org']);
    const member = await app.user('bob', ['admin:org_hook', 'repo']);
    await setRole(app, ORG, 'bob', 'member');
    const stranger = await app.user('carol', ['admin:org_hook', 'repo']);
    await assertHidden(app, ownerWithoutScope, path, hook.id, 'owner without scope');
    await assertHidden(app, member, path, hook.id, 'member');
    await assertHidden(app, stranger, path, hook.id, 'stranger');
    assert.deepEqual(await allHooks(app, token, path), [hook]);
  });

  test('the site administrator may administer any organization\'s hooks', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const mine = await createHook(app, token, path, { name: 'web', config: { url: target(1) } });
    const res = await app.call('POST', path, { body: { name: 'web', events: ['organization'], config: { url: target(2) } } });
    assert.equal(res.statusCode, 201, res.body);
    const admins = res.json();
    assert.deepEqual((await app.call('GET', path)).json(), [mine, admins]);
    assert.equal((await app.call('PATCH', `${path}/${mine.id}`, { body: { active: false } })).json().active, false);
    assert.equal((await app.call('POST', `${path}/${mine.id}/pings`)).statusCode, 204);
    assert.equal((await app.call('DELETE', `${path}/${admins.id}`)).statusCode, 204);
    assert.deepEqual((await allHooks(app, token, path)).map((h) => h.id), [mine.id]);
  });

  test('unknown organizations and user accounts are 404; no or bad credentials are 401', async (t) => {
    const { app, token } = await ownedOrg(t);
    assertError(await app.call('GET', '/orgs/no-such-org/hooks', { token }), 404, 'Not Found');
    assertError(await app.call('GET', '/orgs/alice/hooks', { token }), 404, 'Not Found');
    assertError(await app.call('POST', '/orgs/alice/hooks', { token, body: { name: 'web', config: { url: target() } } }), 404, 'Not Found');
    assertError(await app.call('GET', '/orgs/no-such-org/hooks'), 404, 'Not Found');
    assertError(await app.call('GET', `/orgs/${ORG}/hooks`, { token: null }), 401, 'Requires authentication');
    assertError(await app.call('GET', `/orgs/${ORG}/hooks`, { token: 'not-a-token' }), 401, 'Bad credentials');
  });

  test('a membership change takes effect at once: a demoted owner loses access, a promoted member gains it', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const bob = await app.user('bob', ['admin:org_hook']);
    await setRole(app, ORG, 'bob', 'admin');
    const hook = await createHook(app, bob, path, { name: 'web', events: ['team'], config: { url: target() } });
    assert.equal((await app.call('GET', `${path}/${hook.id}`, { token: bob })).statusCode, 200);

    await setRole(app, ORG, 'bob', 'member');
    await assertHidden(app, bob, path, hook.id, 'demoted owner');
    assert.deepEqual(await allHooks(app, token, path), [hook], 'the hook stays; the other owner still sees it');

    await setRole(app, ORG, 'bob', 'admin');
    assert.deepEqual(await allHooks(app, bob, path), [hook]);
    // An owner may demote another owner too, and themselves.
    const demote = await app.call('PUT', `/orgs/${ORG}/memberships/alice`, { body: { role: 'member' } });
    assert.equal(demote.statusCode, 200, demote.body);
    assertError(await app.call('GET', path, { token }), 404, 'Not Found');
  });
});

describe('basic-auth credentials (config.username, config.password)', () => {
  test('are accepted, and neither they nor the secret appear in clear in any response body', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const secret = 'plain-secret-5c1e';
    const username = 'plain-user-7d2a';
    const password = 'plain-password-9b3f';
    const config = { url: target(), content_type: 'json', secret, username, password };
    const bodies: string[] = [];
    const record = async (p: ReturnType<TestApp['call']>) => {
      const res = await p;
      bodies.push(res.body);
      return res;
    };
    const created = await record(app.call('POST', path, { token, body: { name: 'web', config } }));
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    for (const c of [created.json().config, (await record(app.call('GET', `${path}/${id}/config`, { token }))).json()]) {
      assert.equal(c.secret, '********');
      assert.ok(c.username === undefined || c.username === '********', `username: ${c.username}`);
      assert.ok(c.password === undefined || c.password === '********', `password: ${c.password}`);
    }
    await record(app.call('GET', path, { token }));
    await record(app.call('GET', `${path}/${id}`, { token }));
    await record(app.call('PATCH', `${path}/${id}`, { token, body: { config } }));
    await record(app.call('PATCH', `${path}/${id}/config`, { token, body: { secret, username, password } }));
    await record(app.call('POST', path, { token, body: { name: 'web', config } })); // duplicate → 422
    await record(app.call('POST', path, { token, body: { name: 'web', config: { ...config, url: 'http://127.0.0.1/' } } }));
    await record(app.call('POST', path, { token, body: { name: 'nope', config } }));
    await record(app.call('POST', path, { token, body: { name: 'web', events: 'push', config } }));
    await record(app.call('PATCH', `${path}/${id}`, { token, body: { config: { secret, username, password } } })); // no url → 422
    await record(app.call('PATCH', `${path}/${id}/config`, { token, body: { username, password: 7 } }));
    await record(app.call('GET', `${path}/${id}/deliveries`, { token }));
    assert.deepEqual(
      bodies.map((b) => JSON.parse(b).status ?? 'ok'),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', '422', '422', '422', '422', '422', '422', 'ok'],
    );
    for (const body of bodies) {
      for (const plain of [secret, username, password]) assert.equal(body.includes(plain), false, `${plain} in ${body}`);
    }
  });

  test('are encrypted at rest; PATCH /config merges them, a PATCH config without them removes them', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-org-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'hookline.db');
    const { app, token, path } = await ownedOrg(t, {}, { databaseUrl: `sqlite:${file}` });
    const plain = { username: 'stored-user-1f0c', password: 'stored-password-a41e', secret: 'stored-secret-77d0' };
    const kept = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target(1), ...plain } });
    const merged = await createHook(app, token, path, { name: 'web', events: ['member'], config: { url: target(2), ...plain } });
    const patched = await app.call('PATCH', `${path}/${merged.id}/config`, { token, body: { password: `${plain.password}-2` } });
    assert.equal(patched.statusCode, 200, patched.body);
    const dropped = await createHook(app, token, path, { name: 'web', events: ['organization'], config: { url: target(3), ...plain } });
    const replaced = await app.call('PATCH', `${path}/${dropped.id}`, { token, body: { config: { url: target(3) } } });
    assert.equal(replaced.statusCode, 200, replaced.body);
    await app.close();

    const db = new Database(file, { readonly: true });
    let rows: Record<number, Record<string, unknown>>;
    try {
      const all = db.prepare('SELECT id, owner_type, username, password, secret FROM hooks').all() as Array<Record<string, unknown>>;
      rows = Object.fromEntries(all.map((r) => [r.id as number, r]));
    } finally {
      db.close();
    }
    for (const id of [kept.id, merged.id]) {
      assert.equal(rows[id].owner_type, 'organization');
      for (const column of ['username', 'password', 'secret']) {
        assert.equal(typeof rows[id][column], 'string', `${column} of hook ${id} is stored`);
      }
    }
    assert.equal(rows[merged.id].username !== rows[kept.id].username, true, 'each value sealed with its own nonce');
    assert.deepEqual([rows[dropped.id].username, rows[dropped.id].password, rows[dropped.id].secret], [null, null, null]);
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name));
      for (const value of Object.values(plain)) assert.equal(bytes.includes(value), false, `plaintext ${value} in ${name}`);
    }
  });
});
