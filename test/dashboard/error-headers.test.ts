// Responses the dashboard's own hooks do not reach (the root redirect) still carry the
// Content-Security-Policy, and the REST layer's conventions do not reach the dashboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryRig } from '../delivery/fixtures.js';

function assertCsp(res: { headers: Record<string, unknown> }, what: string): void {
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'/, what);
  assert.doesNotMatch(csp, /unsafe-inline/, what);
}

test('the redirect from / to the dashboard carries the CSP', async (t) => {
  const { app } = await deliveryRig(t, {}, { start: false });
  const res = await app.http.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
  assert.equal(res.statusCode, 302);
  assertCsp(res, 'GET / redirect');
});

test('the dashboard is outside the REST conventions: an API version header it does not know changes nothing', async (t) => {
  const { app } = await deliveryRig(t, {}, { start: false });
  const res = await app.http.inject({
    method: 'GET', url: '/dashboard', headers: { accept: 'text/html', 'x-github-api-version': '<script>alert(1)</script>' },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.equal(res.headers['x-github-api-version-selected'], undefined, 'no GitHub REST headers on dashboard pages');
  assertCsp(res, 'a dashboard page');
  assert.doesNotMatch(res.body, /<script>alert/);
});
