// Behind a TLS-terminating proxy Hookline sees plain HTTP; an https HOOKLINE_PUBLIC_URL says the browser
// is on HTTPS, so the session and CSRF cookies are Secure there. Plain-HTTP deployments keep them usable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryRig } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

function cookieLines(headers: Record<string, unknown>): string[] {
  return [headers['set-cookie'] ?? []].flat().map(String);
}

test('an https public URL makes the session and CSRF cookies Secure', async (t) => {
  const { app, token } = await deliveryRig(t, { HOOKLINE_PUBLIC_URL: 'https://hooks.example' }, { start: false });
  const browser = new DashboardClient(app);
  const form = await browser.get('/dashboard');
  const csrf = cookieLines(form.headers).find((c) => c.startsWith('_csrf='));
  assert.ok(csrf, 'the sign-in page sets the CSRF cookie');
  assert.match(csrf, /; Secure/);
  const signedIn = await browser.signIn(token);
  const session = cookieLines(signedIn.headers).find((c) => c.startsWith('hookline_session='));
  assert.match(session ?? '', /; Secure/);
});

test('a plain-http public URL over plain HTTP leaves the cookies without Secure', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const browser = new DashboardClient(app);
  const form = await browser.get('/dashboard');
  assert.doesNotMatch(cookieLines(form.headers).find((c) => c.startsWith('_csrf=')) ?? '', /; Secure/);
  const signedIn = await browser.signIn(token);
  assert.doesNotMatch(cookieLines(signedIn.headers).find((c) => c.startsWith('hookline_session=')) ?? '', /; Secure/);
});
