// GitHub's manifest flow without the browser page: a site admin turns a manifest into a code, and the
// code converts once, unauthenticated, within the hour, into GitHub's manifest-conversion answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appFor } from '../support/hooks.js';
import { appJwt } from '../support/apps.js';
import { validateResponse } from '../support/openapi.js';

const manifest = {
  name: 'Manifest Bot', url: 'https://example.com', hook_attributes: { url: 'http://127.0.0.1:9/hook' },
  redirect_url: 'http://127.0.0.1:9/probot/setup', public: true, version: 'v1',
  default_events: ['issues'], default_permissions: { issues: 'read' },
};

describe('App manifest codes', () => {
  it('converts a code once, unauthenticated, into the App with its key and secrets', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const created = await app.call('POST', '/hookline/app-manifests', { body: { manifest } });
    assert.equal(created.statusCode, 201, created.body);
    const { code } = created.json();
    assert.match(code, /^[0-9a-f]{20}$/);

    const converted = await app.call('POST', `/api/v3/app-manifests/${code}/conversions`, { token: null });
    assert.equal(converted.statusCode, 201, converted.body);
    validateResponse('apps/create-from-manifest', 201, converted.json());
    const registered = converted.json();
    assert.equal(registered.slug, 'manifest-bot');
    assert.equal(registered.owner.login, 'hookline-admin');
    const me = await app.call('GET', '/app', { token: null, headers: { authorization: `Bearer ${await appJwt(registered.pem, registered.id, clock.now())}` } });
    assert.equal(me.statusCode, 200, me.body);

    const again = await app.call('POST', `/app-manifests/${code}/conversions`, { token: null });
    assert.equal(again.statusCode, 404, 'a code converts once');
  });

  it('refuses expired codes, bad manifests and callers other than the site admin', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    const { code } = (await app.call('POST', '/hookline/app-manifests', { body: { manifest } })).json();
    clock.advance(3600_000);
    assert.equal((await app.call('POST', `/app-manifests/${code}/conversions`, { token: null })).statusCode, 404);
    assert.equal((await app.call('POST', '/app-manifests/0000/conversions', { token: null })).statusCode, 404);

    const bad = await app.call('POST', '/hookline/app-manifests', { body: { manifest: { name: 'x' } } });
    assert.equal(bad.statusCode, 422, bad.body);
    const user = await app.user('mallory', ['admin:hookline']);
    assert.equal((await app.call('POST', '/hookline/app-manifests', { token: user, body: { manifest } })).statusCode, 404);
    // Nothing was registered by any of these.
    const fresh = (await app.call('POST', '/hookline/app-manifests', { body: { manifest } })).json().code;
    assert.equal((await app.call('POST', `/app-manifests/${fresh}/conversions`, { token: null })).statusCode, 201);
  });
});
