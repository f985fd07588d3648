// Repository webhooks R1–R7: happy paths, defaults, GitHub's shapes and PATCH semantics.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { allHooks, assertError, createHook, ownedRepo, target } from '../support/hooks.js';

const BASE = 'http://hookline.test/repos/alice/Hello/hooks';

describe('POST /repos/{owner}/{repo}/hooks (R2)', () => {
  test('defaults: name web, events [push], active, content_type form, insecure_ssl "0"', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const res = await app.call('POST', path, { token, body: { config: { url: target() } } });
    assert.equal(res.statusCode, 201, res.body);
    const hook = res.json();
    assert.deepEqual(hook, {
      type: 'Repository',
      id: hook.id,
      name: 'web',
      active: true,
      events: ['push'],
      config: { content_type: 'form', insecure_ssl: '0', url: target() },
      updated_at: '2026-01-02T03:04:05Z',
      created_at: '2026-01-02T03:04:05Z',
      url: `${BASE}/${hook.id}`,
      test_url: `${BASE}/${hook.id}/test`,
      ping_url: `${BASE}/${hook.id}/pings`,
      deliveries_url: `${BASE}/${hook.id}/deliveries`,
      last_response: { code: null, status: 'unused', message: null },
    });
    assert.equal(typeof hook.id, 'number');
    assert.equal(res.headers.location, hook.url);
  });

  test('explicit fields are kept; insecure_ssl as a number comes back as a string', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, {
      name: 'web', active: false, events: ['push', 'pull_request', 'issues'],
      config: { url: target(), content_type: 'json', insecure_ssl: 1, secret: 'topsecret' },
    });
    assert.equal(hook.active, false);
    assert.deepEqual(hook.events, ['issues', 'pull_request', 'push']);
    assert.deepEqual(hook.config, { content_type: 'json', insecure_ssl: '1', secret: '********', url: target() });
    const zero = await createHook(app, token, path, { events: ['issues'], config: { url: target(2), insecure_ssl: 0 } });
    assert.equal(zero.config.insecure_ssl, '0');
    const str = await createHook(app, token, path, { events: ['issues'], config: { url: target(3), insecure_ssl: '1' } });
    assert.equal(str.config.insecure_ssl, '1');
  });

  test('"*" replaces every other event', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { events: ['push', '*', 'issues'], config: { url: target() } });
    assert.deepEqual(hook.events, ['*']);
  });
});

describe('reading hooks (R1, R3, R6)', () => {
  test('list, get and get config return the same hook', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    assert.deepEqual(await allHooks(app, token, path), []);
    const a = await createHook(app, token, path, { events: ['push'], config: { url: target(1), secret: 's3cr3t' } });
    const b = await createHook(app, token, path, { events: ['issues'], config: { url: target(2), content_type: 'json' } });
    assert.deepEqual(await allHooks(app, token, path), [a, b]);
    const got = await app.call('GET', `${path}/${a.id}`, { token });
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), a);
    const config = await app.call('GET', `${path}/${a.id}/config`, { token });
    assert.equal(config.statusCode, 200);
    assert.deepEqual(config.json(), { content_type: 'form', insecure_ssl: '0', secret: '********', url: target(1) });
    assert.deepEqual((await app.call('GET', `${path}/${b.id}/config`, { token })).json(), b.config);
  });

  test('unknown hook ids, non-numeric ids and hooks of another repository are 404', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    await app.repo(token, 'Other');
    const other = await createHook(app, token, '/repos/alice/Other/hooks', { config: { url: target() } });
    for (const url of [`${path}/999`, `${path}/abc`, `${path}/${other.id}`, `${path}/${other.id}/config`]) {
      assertError(await app.call('GET', url, { token }), 404, 'Not Found');
    }
    assertError(await app.call('PATCH', `${path}/${other.id}`, { token, body: { active: false } }), 404, 'Not Found');
    assertError(await app.call('DELETE', `${path}/${other.id}`, { token }), 404, 'Not Found');
    assert.equal((await app.call('GET', `/repos/alice/Other/hooks/${other.id}`, { token })).json().active, true);
  });
});

describe('PATCH /repos/{owner}/{repo}/hooks/{id} (R4)', () => {
  test('add_events and remove_events edit the list; events replaces it', async (t) => {
    const { app, token, path, clock } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { events: ['push', 'issues'], config: { url: target() } });
    clock.advance(60_000);
    const res = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { add_events: ['create', 'push'], remove_events: ['issues'] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().events, ['create', 'push']);
    assert.equal(res.json().updated_at, '2026-01-02T03:05:05Z');
    assert.equal(res.json().created_at, '2026-01-02T03:04:05Z');
    const replaced = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: ['release'], active: false } });
    assert.deepEqual(replaced.json().events, ['release']);
    assert.equal(replaced.json().active, false);
    assert.deepEqual(replaced.json().config, hook.config, 'config untouched when not sent');
    const star = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { add_events: ['*'] } });
    assert.deepEqual(star.json().events, ['*']);
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json(), star.json());
  });

  test('a config replaces the whole config: an omitted secret is removed', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, {
      config: { url: target(1), content_type: 'json', insecure_ssl: '1', secret: 'keep-me' },
    });
    const res = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: target(2) } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().config, { content_type: 'form', insecure_ssl: '0', url: target(2) });
    assert.deepEqual(res.json().events, ['push']);
    const again = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: target(2), secret: 'new' } } });
    assert.equal(again.json().config.secret, '********');
  });
});

describe('PATCH /repos/{owner}/{repo}/hooks/{id}/config (R7)', () => {
  test('merges into the existing config and keeps the secret', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { events: ['issues'], config: { url: target(1), secret: 'abc', content_type: 'json' } });
    const res = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { insecure_ssl: 1 } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { content_type: 'json', insecure_ssl: '1', secret: '********', url: target(1) });
    const url = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: target(9), content_type: 'form' } });
    assert.deepEqual(url.json(), { content_type: 'form', insecure_ssl: '1', secret: '********', url: target(9) });
    const full = (await app.call('GET', `${path}/${hook.id}`, { token })).json();
    assert.deepEqual(full.config, url.json());
    assert.deepEqual(full.events, ['issues'], 'events untouched');
    // An empty secret removes it.
    const cleared = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { secret: '' } });
    assert.equal(cleared.statusCode, 200);
    assert.equal('secret' in cleared.json(), false);
  });

  test('an empty body changes nothing', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target(), secret: 'x' } });
    const res = await app.call('PATCH', `${path}/${hook.id}/config`, { token });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), hook.config);
  });
});

describe('DELETE /repos/{owner}/{repo}/hooks/{id} (R5)', () => {
  test('204 with no body, then 404 everywhere', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const keep = await createHook(app, token, path, { events: ['issues'], config: { url: target(1) } });
    const hook = await createHook(app, token, path, { config: { url: target(2) } });
    const res = await app.call('DELETE', `${path}/${hook.id}`, { token });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assertError(await app.call('GET', `${path}/${hook.id}`, { token }), 404, 'Not Found');
    assertError(await app.call('GET', `${path}/${hook.id}/config`, { token }), 404, 'Not Found');
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { active: false } }), 404, 'Not Found');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: target(3) } }), 404, 'Not Found');
    assertError(await app.call('DELETE', `${path}/${hook.id}`, { token }), 404, 'Not Found');
    assert.deepEqual(await allHooks(app, token, path), [keep]);
  });
});

describe('secrets', () => {
  test('the secret never appears in any response body', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const secret = 'plain-text-secret-3f9a';
    const bodies: string[] = [];
    const record = async (p: Promise<{ body: string }>) => bodies.push((await p).body);
    const created = await app.call('POST', path, { token, body: { config: { url: target(), secret } } });
    bodies.push(created.body);
    const id = created.json().id;
    await record(app.call('GET', path, { token }));
    await record(app.call('GET', `${path}/${id}`, { token }));
    await record(app.call('GET', `${path}/${id}/config`, { token }));
    await record(app.call('PATCH', `${path}/${id}`, { token, body: { config: { url: target(), secret } } }));
    await record(app.call('PATCH', `${path}/${id}/config`, { token, body: { secret } }));
    await record(app.call('POST', path, { token, body: { config: { url: target(), secret } } })); // duplicate → 422
    await record(app.call('POST', path, { token, body: { config: { url: 'http://127.0.0.1/', secret } } }));
    await record(app.call('POST', path, { token, body: { bogus: secret, config: { url: target(), secret } } }));
    await record(app.call('PATCH', `${path}/${id}/config`, { token, body: { secret: 42 } }));
    assert.equal(bodies.length, 10);
    for (const body of bodies) assert.equal(body.includes(secret), false, body);
    assert.ok(bodies.some((b) => b.includes('"secret":"********"')));
  });

  test('secrets are encrypted at rest in the database file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-secret-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'x.db');
    const secret = 'plaintext-secret-that-must-not-be-stored';
    const { app, token, path } = await ownedRepo(t, {}, { databaseUrl: `sqlite:${file}` });
    const hook = await createHook(app, token, path, { config: { url: target(), secret } });
    const patched = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { secret: `${secret}-2` } });
    assert.equal(patched.statusCode, 200);
    await app.close();

    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM hooks WHERE id = ?').get(hook.id) as Record<string, unknown>;
      assert.ok(row, 'hook row exists');
      assert.equal(typeof row.secret, 'string');
      assert.notEqual(row.secret, `${secret}-2`);
      assert.equal(JSON.stringify(row).includes(secret), false, 'plaintext secret in hooks row');
    } finally {
      db.close();
    }
    for (const name of readdirSync(dir)) {
      assert.equal(readFileSync(join(dir, name)).includes(secret), false, `plaintext secret in ${name}`);
    }
  });
});
