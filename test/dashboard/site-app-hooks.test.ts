// Site status lists failing GitHub App webhooks too, named by their App, without a link to an owner
// page that does not exist.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { registerApp } from '../support/apps.js';
import { arrivals, byEvent, deliveryRig } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

test('a failing App webhook is listed on Site status under its App', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  await registerApp(app, receiver.url('/status/500'));
  await arrivals(receiver, byEvent('ping'), 1);
  await app.worker!.idle();
  const admin = new DashboardClient(app);
  await admin.signIn(ADMIN_TOKEN);
  const site = await admin.get('/dashboard/site');
  assert.equal(site.status, 200);
  const row = /<tr>\s*<td>[^]*?<\/tr>/.exec(site.body.slice(site.body.indexOf('<tbody>')))?.[0] ?? '';
  assert.match(row, /App Octo Bot/);
  assert.match(row, /\/status\/500/);
  assert.doesNotMatch(site.body, /\/dashboard\/orgs\/(null)?\//);
});
