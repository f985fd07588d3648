// Hook config strings are bounded before anything is stored: an over-long URL, secret or credential is
// a GitHub-shaped 422 and creates or changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownedRepo, target } from '../support/hooks.js';
import { createOrg } from '../support/orgs.js';

test('over-long config strings are refused with 422 and store nothing', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  const long = (n: number) => 'x'.repeat(n);
  const refused = [
    { config: { url: `${target()}/${long(9000)}` }, events: ['push'] },
    { config: { url: target(), secret: long(5000) }, events: ['push'] },
    { config: { url: target() }, events: Array.from({ length: 1000 }, () => 'push') },
  ];
  for (const body of refused) {
    const res = await app.call('POST', path, { token, body });
    assert.equal(res.statusCode, 422, res.body.slice(0, 200));
    assert.match(res.json().message, /^(Invalid request\.|Validation Failed)/);
    assert.equal(res.json().status, '422');
  }
  assert.deepEqual((await app.call('GET', path, { token })).json(), []);

  const created = await app.call('POST', path, { token, body: { config: { url: target(), secret: long(1024) }, events: ['push'] } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  const patched = await app.call('PATCH', `${path}/${id}/config`, { token, body: { url: `${target()}/${long(9000)}` } });
  assert.equal(patched.statusCode, 422);
  assert.equal((await app.call('GET', `${path}/${id}/config`, { token })).json().url, target());

  const org = await createOrg(app, 'octo', 'alice');
  const orgHook = await app.call('POST', `/orgs/${org.login}/hooks`, {
    token: await app.user('alice', ['admin:org_hook']), body: { name: 'web', config: { url: target(), password: long(5000) } },
  });
  assert.equal(orgHook.statusCode, 422, orgHook.body.slice(0, 200));
});
