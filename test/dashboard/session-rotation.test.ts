// Signing in again in the same browser ends the session it had: its cookie, if copied, stops working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { deliveryRig } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

test('a new sign-in replaces the browser’s session on the server, not only in its cookie jar', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const browser = new DashboardClient(app);
  await browser.signIn(ADMIN_TOKEN);
  const adminCookie = browser.cookies.get('hookline_session')!;
  await browser.signIn(token);
  assert.notEqual(browser.cookies.get('hookline_session'), adminCookie);
  assert.match((await browser.get('/dashboard')).body, /<span class="who">alice<\/span>/);

  const copied = new DashboardClient(app);
  copied.cookies.set('hookline_session', adminCookie);
  assert.equal((await copied.get('/dashboard/site')).status, 303, 'the administrator session ended');
});
