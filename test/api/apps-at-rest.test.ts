// An App's secrets are handed out once and never stored as given: the client secret is hashed, the
// webhook secret encrypted, the private key not kept at all, installation tokens and manifest codes hashed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFor } from '../support/hooks.js';
import { appJwt, install, registerApp } from '../support/apps.js';

test('no App secret, key, token or manifest code is in the database files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-app-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' }, { databaseUrl: `sqlite:${join(dir, 'x.db')}` });
  await app.user('alice', ['repo']);
  const registered = await registerApp(app, 'http://127.0.0.1:9/hook') as unknown as Record<string, string> & { id: number; slug: string };
  const installation = await install(app, registered.slug, { account: 'alice' });
  const jwt = await appJwt(registered.pem, registered.id, clock.now());
  const minted = await app.call('POST', `/app/installations/${installation.id}/access_tokens`, { token: null, headers: { authorization: `Bearer ${jwt}` } });
  assert.equal(minted.statusCode, 201, minted.body);
  const manifest = { name: 'Second Bot', url: 'https://example.com', hook_attributes: { url: 'http://127.0.0.1:9/two' } };
  const code = (await app.call('POST', '/hookline/app-manifests', { body: { manifest } })).json().code;
  assert.match(code, /^[0-9a-f]+$/);
  await app.close();

  // A line from the middle of the PEM body: any stored form of the private key would contain it.
  const pemLine = registered.pem.split('\n')[10];
  const secrets: Record<string, string> = {
    client_secret: registered.client_secret, webhook_secret: registered.webhook_secret, pem: pemLine,
    installation_token: minted.json().token, manifest_code: code,
  };
  const files = readdirSync(dir).map((file) => ({ file, bytes: readFileSync(join(dir, file)) }));
  assert.ok(files.some(({ bytes }) => bytes.includes('http://127.0.0.1:9/hook')), 'the scan sees what is stored in clear');
  for (const { file, bytes } of files) {
    for (const [name, value] of Object.entries(secrets)) assert.equal(bytes.includes(value), false, `${name} in ${file}`);
  }
});
