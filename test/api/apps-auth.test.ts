// App authentication (GET /app with a JWT): GitHub's 401 bodies for every bad JWT, byte-exact where
// @octokit/auth-app matches them, and iss as App id (number or string) or client id.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { appFor } from '../support/hooks.js';
import { appJwt, registerApp } from '../support/apps.js';
import { validateResponse } from '../support/openapi.js';

const EXPIRED = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
const TOO_LONG = "'Expiration time' claim ('exp') is too far in the future";
const BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.";
const UNDECODABLE = 'A JSON web token could not be decoded';

describe('App JWT authentication', () => {
  it('accepts a JWT whose iss is the App id (number or string) or the client id', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
    validateResponse('apps/create-from-manifest', 201, registered);
    assert.match(registered.pem, /^-----BEGIN RSA PRIVATE KEY-----/);
    for (const iss of [registered.id, String(registered.id), registered.client_id]) {
      const jwt = await appJwt(registered.pem, iss, clock.now());
      const res = await app.call('GET', '/app', { token: null, headers: { authorization: `bearer ${jwt}` } });
      assert.equal(res.statusCode, 200, res.body);
      validateResponse('apps/get-authenticated', 200, res.json());
      assert.equal(res.json().slug, 'octo-bot');
      assert.equal(res.json().installations_count, 0);
    }
  });

  it('refuses manifests it cannot honour, changing nothing', async (t) => {
    const { app } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const manifest = { name: 'Octo Bot', url: 'https://example.com', hook_attributes: { url: 'http://127.0.0.1:9/hook' } };
    const bad: Array<[string, unknown, number]> = [
      ['an event without its permission', { ...manifest, default_events: ['push'], default_permissions: { issues: 'write' } }, 422],
      ['an event Apps never get', { ...manifest, default_events: ['sponsorship'] }, 422],
      ['a bad permission level', { ...manifest, default_permissions: { issues: 'all' } }, 422],
      ['no hook url', { name: 'x', url: 'https://example.com', hook_attributes: {} }, 422],
      ['a hook url the allow-list refuses', { ...manifest, hook_attributes: { url: 'http://10.0.0.1/hook' } }, 422],
      ['a name of 35 characters', { ...manifest, name: 'x'.repeat(35) }, 422],
    ];
    for (const [name, body, status] of bad) {
      const res = await app.call('POST', '/hookline/apps', { body });
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
    }
    const user = await app.user('mallory', ['repo', 'admin:hookline']);
    assert.equal((await app.call('POST', '/hookline/apps', { token: user, body: manifest })).statusCode, 404, 'site admin only');
    // Nothing was stored by the refusals: the name is still free.
    assert.equal((await app.call('POST', '/hookline/apps', { body: manifest })).statusCode, 201);
    assert.equal((await app.call('POST', '/hookline/apps', { body: manifest })).statusCode, 422, 'names are unique');
    assert.equal((await app.call('GET', '/apps/octo-bot', { token: user })).statusCode, 200);
  });

  it('answers bad JWTs with GitHub 401 bodies', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const nowS = Math.floor(clock.now().getTime() / 1000);
    const cases: Array<[string, Promise<string> | string, number, string]> = [
      ['expired', appJwt(registered.pem, registered.id, clock.now(), { iat: nowS - 700, exp: nowS - 100 }), 401, EXPIRED],
      ['exp more than 10 minutes ahead', appJwt(registered.pem, registered.id, clock.now(), { iat: nowS, exp: nowS + 3600 }), 401, TOO_LONG],
      ['iat in the future beyond 60 s', appJwt(registered.pem, registered.id, clock.now(), { iat: nowS + 120, exp: nowS + 500 }), 401, BAD_IAT],
      ['signed with another key', appJwt(other.privateKey, registered.id, clock.now()), 401, UNDECODABLE],
      ['signed with RS512', appJwt(registered.pem, registered.id, clock.now(), { alg: 'RS512' }), 401, UNDECODABLE],
      ['not a JWT', 'not.a-jwt', 401, UNDECODABLE],
      ['an installation-token-looking string', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a', 401, UNDECODABLE],
      ['iss naming no App', appJwt(registered.pem, 999_999, clock.now()), 404, 'Integration not found'],
    ];
    for (const [name, jwt, status, message] of cases) {
      const res = await app.call('GET', '/app', { token: null, headers: { authorization: `Bearer ${await jwt}` } });
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assert.equal(res.json().message, message, name);
      assert.equal(res.json().status, String(status), name);
      assert.match(res.json().documentation_url, /^https:\/\/docs\.github\.com\/rest/, name);
    }
    const missing = await app.call('GET', '/app', { token: null });
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().message, UNDECODABLE);
  });

  it('takes the leeway as documented: iat up to 60 s ahead is accepted', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
    const nowS = Math.floor(clock.now().getTime() / 1000);
    const jwt = await appJwt(registered.pem, registered.id, clock.now(), { iat: nowS + 50, exp: nowS + 600 });
    const res = await app.call('GET', '/app', { token: null, headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(res.statusCode, 200, res.body);
    // The same JWT, ten minutes later, has expired.
    clock.advance(601_000);
    const later = await app.call('GET', '/app', { token: null, headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(later.statusCode, 401);
    assert.equal(later.json().message, EXPIRED);
  });
});
