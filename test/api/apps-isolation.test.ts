// Apps as a hostile tenant would try them: another App's installations, hook and deliveries, tokens on
// endpoints they do not cover, forged JWTs, App hook config validation, and what a user who is not the
// site administrator can do with the provisioning endpoints.
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { appFor } from '../support/hooks.js';
import { appJwt, install, registerApp } from '../support/apps.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('App isolation', () => {
  it('an App reaches neither another App’s installations nor its hook deliveries; tokens reach only their own endpoints', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const alice = await app.user('alice', ['repo']);
    await app.repo(alice, 'one');
    const a = await registerApp(app, 'http://127.0.0.1:9/a');
    const b = await registerApp(app, 'http://127.0.0.1:9/b', { name: 'Other Bot' });
    const instA = await install(app, a.slug, { account: 'alice' });
    await app.start();
    await app.worker!.idle();
    const asB = async (method: string, url: string, body?: unknown) =>
      app.call(method, url, { token: null, body, headers: { authorization: `Bearer ${await appJwt(b.pem, b.id, clock.now())}` } });
    const asA = async (method: string, url: string, body?: unknown) =>
      app.call(method, url, { token: null, body, headers: { authorization: `Bearer ${await appJwt(a.pem, a.id, clock.now())}` } });

    for (const [method, url] of [['GET', `/app/installations/${instA.id}`], ['POST', `/app/installations/${instA.id}/access_tokens`],
      ['DELETE', `/app/installations/${instA.id}`], ['PUT', `/app/installations/${instA.id}/suspended`], ['GET', '/repos/alice/one/installation'],
      ['GET', '/users/alice/installation']]) {
      assert.equal((await asB(method, url)).statusCode, 404, `${method} ${url}`);
    }
    const [deliveryOfA] = (await asA('GET', '/app/hook/deliveries')).json();
    assert.ok(deliveryOfA, 'A has deliveries (installation created)');
    assert.equal((await asB('GET', `/app/hook/deliveries/${deliveryOfA.id}`)).statusCode, 404);
    assert.equal((await asB('POST', `/app/hook/deliveries/${deliveryOfA.id}/attempts`)).statusCode, 404);
    assert.equal((await asA('GET', `/app/installations/${instA.id}`)).statusCode, 200, 'still installed');

    const ghs = (await asA('POST', `/app/installations/${instA.id}/access_tokens`)).json().token;
    assert.match(ghs, /^ghs_/);
    for (const [method, url] of [['GET', '/repos/alice/one/hooks'], ['POST', '/repos/alice/one/hooks'], ['GET', '/app'],
      ['GET', '/app/hook/config'], ['POST', '/hookline/events'], ['GET', '/user']]) {
      const res = await app.call(method, url, { token: ghs, body: method === 'POST' ? {} : undefined });
      assert.ok(res.statusCode === 401 || res.statusCode === 404, `${method} ${url} with an installation token: ${res.statusCode}`);
    }
    // A user's token is not an App's credential either.
    assert.equal((await app.call('GET', '/app', { token: alice })).statusCode, 401);
    assert.equal((await app.call('GET', '/installation/repositories', { token: alice })).statusCode, 401);
  });

  it('refuses alg none, HS256 keyed with the App’s public key, and a JWT naming another App as iss', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const a = await registerApp(app, 'http://127.0.0.1:9/a');
    const nowS = Math.floor(clock.now().getTime() / 1000);
    const claims = { iss: a.id, iat: nowS - 30, exp: nowS + 500 };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const publicPem = createPublicKey(a.pem).export({ type: 'spki', format: 'pem' }) as string;
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const hs = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`;
    const b = await registerApp(app, 'http://127.0.0.1:9/b', { name: 'Other Bot' });
    const otherIss = await appJwt(a.pem, b.id, clock.now());
    for (const jwt of [none, `${none}x`, hs, otherIss]) {
      const res = await app.call('GET', '/app', { token: null, headers: { authorization: `Bearer ${jwt}` } });
      assert.equal(res.statusCode, 401, `${jwt}: ${res.body}`);
    }
  });

  it('App hook config: the URL policy holds, the secret is never echoed, and a refused PATCH changes nothing', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const a = await registerApp(app, 'http://127.0.0.1:9/a');
    const asA = async (method: string, url: string, body?: unknown) =>
      app.call(method, url, { token: null, body, headers: { authorization: `Bearer ${await appJwt(a.pem, a.id, clock.now())}` } });
    for (const body of [{ url: 'http://10.0.0.1/x' }, { url: 'ftp://127.0.0.1/x' }, { url: 'http://127.0.0.1:9/ok', content_type: 'xml' },
      { url: 'http://127.0.0.1:9/' + 'x'.repeat(9000) }, { secret: 'x'.repeat(5000) }]) {
      const res = await asA('PATCH', '/app/hook/config', body);
      assert.equal(res.statusCode, 422, `${JSON.stringify(body).slice(0, 60)}: ${res.body}`);
    }
    const config = (await asA('GET', '/app/hook/config')).json();
    assert.equal(config.url, 'http://127.0.0.1:9/a');
    const patched = await asA('PATCH', '/app/hook/config', { secret: 'n3w-secret' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.doesNotMatch(patched.body, /n3w-secret/);
    assert.doesNotMatch((await asA('GET', '/app/hook/config')).body, /n3w-secret|[0-9a-f]{40}/);
  });

  it('a user who is not the site administrator cannot register, install or mint manifest codes', async (t) => {
    const { app } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const a = await registerApp(app, 'http://127.0.0.1:9/a');
    const mallory = await app.user('mallory', ['repo', 'admin:org', 'admin:hookline']);
    const manifest = { name: 'Evil', url: 'https://example.com', hook_attributes: { url: 'http://127.0.0.1:9/e' } };
    for (const [url, body] of [['/hookline/apps', manifest], [`/hookline/apps/${a.slug}/installations`, { account: 'mallory' }],
      ['/hookline/app-manifests', { manifest }]] as const) {
      const res = await app.call('POST', url, { token: mallory, body });
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    }
  });
});
