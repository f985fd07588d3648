// POST /hookline/events must name where the event happened: with neither a repository nor an
// organization no hook could ever receive it, so it is a 422 that stores nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFor, assertError } from '../support/hooks.js';

test('an event with neither repository nor organization is 422 and stores nothing; naming either is accepted', async (t) => {
  const { app } = await appFor(t);
  const alice = await app.user('alice', ['repo']);
  await app.repo(alice, 'hello');
  await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });

  const res = await app.call('POST', '/hookline/events', { body: { event: 'push', payload: { ref: 'refs/heads/main' } } });
  const body = assertError(res, 422, 'Validation Failed');
  assert.deepEqual(body.errors, [{
    resource: 'Event', code: 'missing_field', field: 'repository',
    message: 'repository or organization is required: no hook could receive an event without either',
  }]);
  assert.equal(body.guid, undefined);

  for (const target of [{ repository: 'alice/hello' }, { organization: 'acme' }]) {
    const ok = await app.call('POST', '/hookline/events', { body: { event: 'member', ...target, payload: {} } });
    assert.equal(ok.statusCode, 202, ok.body);
  }
});
