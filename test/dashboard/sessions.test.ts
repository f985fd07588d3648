// Dashboard sign-in over HTTP: the root URL, the session cookie, Sign out ending the session on the
// server, expiry, CSRF tokens and the Origin check on every POST.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { ManualClock } from '../support/hooks.js';
import { arrivals, byEvent, deliveryRig, hook } from '../delivery/fixtures.js';
import { DashboardClient, csrfOf } from './client.js';

test('/ sends a browser to the dashboard; an API client asking for JSON gets JSON', async (t) => {
  const { app } = await deliveryRig(t, {}, { start: false });
  const browser = await app.http.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(browser.statusCode, 302);
  assert.equal(browser.headers.location, '/dashboard');
  const api = await app.http.inject({ method: 'GET', url: '/', headers: { accept: 'application/vnd.github+json' } });
  assert.match(String(api.headers['content-type']), /^application\/json/);
  assert.equal(api.json().status, '404');
});

test('sign in with a token: an httpOnly SameSite=Strict expiring cookie that is not the token; Sign out ends it on the server', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const browser = new DashboardClient(app);
  const form = await browser.get('/dashboard');
  assert.match(form.body, /<label for="token">Token<\/label>/);

  const refused = await browser.post('/dashboard/sign-in', { token: 'ghp_not_a_token' });
  assert.equal(refused.status, 401);
  assert.match(refused.body, /That token was not accepted/);
  assert.equal(browser.cookies.has('hookline_session'), false);

  const signedIn = await browser.signIn(token);
  const cookie = [signedIn.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('hookline_session='))!;
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Expires=/);
  assert.ok(!cookie.includes(token), 'the cookie is not the token');
  const overview = await browser.get('/dashboard');
  assert.match(overview.body, /href="\/dashboard\/repos\/alice\/hello">alice\/hello<\/a>/);

  const copied = new DashboardClient(app);
  copied.cookies.set('hookline_session', browser.cookies.get('hookline_session')!);
  assert.match((await copied.get('/dashboard')).body, /alice\/hello/, 'a copied cookie works while the session lives');
  const out = await browser.post('/dashboard/sign-out', {}, { from: '/dashboard' });
  assert.equal(out.status, 303);
  assert.equal(browser.cookies.has('hookline_session'), false);
  const after = await copied.get('/dashboard');
  assert.match(after.body, /<label for="token">Token<\/label>/, 'the copied cookie no longer works');
  assert.doesNotMatch(after.body, /alice\/hello/);
  assert.equal((await copied.get('/dashboard/repos/alice/hello')).status, 303);
});

test('a session expires after 8 hours, with its cookie', async (t) => {
  const clock = new ManualClock();
  const { app, token } = await deliveryRig(t, {}, { start: false, clock });
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  clock.advance(7 * 60 * 60 * 1000);
  assert.equal((await browser.get('/dashboard/repos/alice/hello')).status, 200);
  clock.advance(60 * 60 * 1000 + 1000);
  assert.equal((await browser.get('/dashboard/repos/alice/hello')).status, 303, 'redirected to sign in after 8 hours');
});

test('CSRF: every POST needs the form token bound to the session, and a foreign Origin is refused', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  await arrivals(receiver, byEvent('ping'), 1);
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const hookPage = `/dashboard/repos/alice/hello/hooks/${h.id}`;
  const ping = `${hookPage}/pings`;

  assert.equal((await browser.post(ping, {}, { csrf: null })).status, 403, 'no token');
  assert.equal((await browser.post(ping, {}, { csrf: 'forged' })).status, 403, 'a made-up token');
  const other = new DashboardClient(app);
  await other.signIn(await app.user('mallory', ['repo']));
  const foreign = csrfOf((await other.get('/dashboard')).body);
  assert.equal((await browser.post(ping, {}, { csrf: foreign })).status, 403, "another session's token");
  assert.equal((await browser.post(ping, {}, { from: hookPage, origin: 'http://localhost:8080' })).status, 403, 'another port is another origin');
  assert.equal((await browser.post(ping, {}, { from: hookPage, origin: 'https://evil.example' })).status, 403);
  assert.equal((await browser.post(ping, {}, { from: hookPage, origin: 'null' })).status, 403, 'an opaque origin');
  assert.equal((await browser.post('/dashboard/sign-in', { token: ADMIN_TOKEN }, { csrf: null })).status, 403, 'sign-in too');
  await app.worker!.idle();
  assert.equal(receiver.received.filter(byEvent('ping')).length, 1, 'no refused post sent a ping');

  const accepted = await browser.post(ping, {}, { from: hookPage });
  assert.equal(accepted.status, 303);
  assert.equal(accepted.location, `${hookPage}?notice=ping`);
  await arrivals(receiver, byEvent('ping'), 2);
  // Behind a TLS-terminating proxy the browser's Origin is https while Hookline sees http: same host, accepted.
  assert.equal((await browser.post(ping, {}, { from: hookPage, origin: 'https://localhost:80' })).status, 303);
  assert.equal((await browser.post(ping, {}, { from: hookPage, origin: null })).status, 303, 'no Origin: the token alone decides');
  await arrivals(receiver, byEvent('ping'), 4);
});

test('every dashboard response carries a Content-Security-Policy without unsafe-inline', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  for (const url of ['/dashboard', '/dashboard/repos/alice/hello', '/dashboard/nowhere', '/dashboard/static/dashboard.js']) {
    const res = await browser.get(url);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/, url);
    assert.doesNotMatch(csp, /unsafe-inline/, url);
  }
});
