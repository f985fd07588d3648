// GET / for API clients answers exactly as before the dashboard existed: the REST layer's 404, which
// checks credentials when some are sent (a bad token is 401, as on any unknown path).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryRig } from '../delivery/fixtures.js';

test('GET / without text/html is the REST 404, and a bad token there is 401 as on any unknown path', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const json = { accept: 'application/vnd.github+json' };
  const anonymous = await app.http.inject({ method: 'GET', url: '/', headers: json });
  const unknown = await app.http.inject({ method: 'GET', url: '/no-such-path', headers: json });
  assert.equal(anonymous.statusCode, 404);
  assert.deepEqual(anonymous.json(), unknown.json());
  const bad = await app.http.inject({ method: 'GET', url: '/', headers: { ...json, authorization: 'token ghp_not_a_token' } });
  assert.equal(bad.statusCode, 401, bad.body);
  assert.equal(bad.json().message, 'Bad credentials');
  const good = await app.http.inject({ method: 'GET', url: '/', headers: { ...json, authorization: `token ${token}` } });
  assert.equal(good.statusCode, 404);
  assert.equal(good.headers['x-oauth-scopes'], 'repo', 'the REST layer resolved the token, as on any path');
});
