// Responses the dashboard's own hooks do not reach (the root redirect, requests the REST layer refuses
// before the dashboard sees them) still carry the Content-Security-Policy, and are not server errors.
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

test('a dashboard request refused before the dashboard runs gets an HTML error page with the CSP, not a 500', async (t) => {
  const { app } = await deliveryRig(t, {}, { start: false });
  const res = await app.http.inject({
    method: 'GET', url: '/dashboard', headers: { accept: 'text/html', 'x-github-api-version': '<script>alert(1)</script>' },
  });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assertCsp(res, 'refused by the REST layer');
  assert.doesNotMatch(res.body, /<script>alert/, 'the header is shown escaped');
});
