// The dashboard in a real browser (playwright-core driving Debian's chromium), doing what a person does:
// sign in with the Token field, open a hook, read a delivery, Redeliver and see the attempt appear,
// Ping, edit the hook, Sign out; attacker-controlled text stays text, and a forged post is refused.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_TOKEN } from '../support/app.js';
import { arrivals, byEvent, deliveryRig, hook, ingest } from '../delivery/fixtures.js';

const CHROMIUM = process.env.HOOKLINE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = 'test-output';
const EVIL = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';

let browser: Browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
after(async () => {
  await browser?.close();
});

/** A server on 127.0.0.1, port 0, answering every request with `body` as HTML. */
async function serve(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/html' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'alice/hello' }).waitFor();
}

test('sign in, open a hook, read a delivery, Redeliver, Ping, edit the hook, Sign out', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const evilReceiver = await serve(EVIL);
  t.after(() => new Promise<void>((resolve) => evilReceiver.server.close(() => resolve())));
  const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  const h = await hook(app, token, path, `${evilReceiver.url}/hook`, { events: ['issues'] });
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { title: EVIL } });
  await app.worker!.idle();

  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) csp.push(m.text()); });

  await signIn(page, base, token);
  await page.screenshot({ path: `${SHOTS}/dashboard-overview.png`, fullPage: true });
  await page.getByRole('link', { name: 'alice/hello' }).click();
  await page.locator('svg.health').first().waitFor();
  await page.screenshot({ path: `${SHOTS}/dashboard-owner.png`, fullPage: true });
  await page.getByRole('link', { name: `${evilReceiver.url}/hook` }).click();
  await page.getByRole('heading', { name: 'Recent Deliveries' }).waitFor();
  assert.equal(page.url(), `${base}/dashboard/repos/alice/hello/hooks/${h.id}`, 'every hook page has its own URL');
  const rows = page.locator('#deliveries tbody tr');
  assert.equal(await rows.count(), 2, 'the ping and the event');
  await page.screenshot({ path: `${SHOTS}/dashboard-hook.png`, fullPage: true });

  // The event's delivery: payload and receiver response are visible as text, and no script ran.
  await rows.filter({ hasText: 'issues.opened' }).getByRole('link').click();
  await page.getByRole('heading', { name: /^Response/ }).waitFor();
  assert.match(await page.locator('pre.payload').innerText(), /"title": "<script>window\.pwned=1<\/script><img src=x onerror=\\"window\.pwned=2\\">"/);
  assert.equal(await page.locator('pre.response').innerText(), EVIL);
  assert.equal(await page.locator('main img').count(), 0, 'no <img> element was created');
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, 'no injected script ran');
  await page.screenshot({ path: `${SHOTS}/dashboard-delivery.png`, fullPage: true });

  // Redeliver: back on the hook page, the new attempt appears without a reload.
  await page.getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText('Redelivery queued.').waitFor();
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });
  await page.locator('#deliveries .tag', { hasText: 'redelivery' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the page was not reloaded');
  assert.equal(await rows.count(), 3);

  // Ping: another row, again live.
  await page.getByRole('button', { name: 'Ping' }).click();
  await page.getByText('Ping sent.').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#deliveries tbody tr').length === 4, null, { timeout: 10_000 });
  // An event ingested elsewhere shows up too.
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 2; });
  await ingest(app, { event: 'issues', action: 'closed', repository: 'alice/hello', payload: {} });
  await page.locator('#deliveries', { hasText: 'issues.closed' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 2);

  // Edit the hook.
  await page.getByLabel('Payload URL').fill(receiver.url('/ok'));
  await page.getByLabel(/^Events/).fill('issues, push');
  await page.getByRole('button', { name: 'Update webhook' }).click();
  await page.getByText('Webhook updated.').waitFor();
  const edited = (await app.call('GET', `${path}/${h.id}`, { token })).json();
  assert.equal(edited.config.url, receiver.url('/ok'));
  assert.deepEqual(edited.events, ['issues', 'push']);
  await page.screenshot({ path: `${SHOTS}/dashboard-edited.png`, fullPage: true });
  assert.deepEqual(csp, [], 'the pages need nothing the policy blocks');

  // Sign out: a copy of the cookie taken before no longer works.
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.name === 'hookline_session' && c.httpOnly && c.sameSite === 'Strict'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Token').waitFor();
  const copy = await browser.newContext();
  t.after(() => copy.close());
  await copy.addCookies(cookies);
  const copied = await copy.newPage();
  await copied.goto(`${base}/dashboard/repos/alice/hello/hooks/${h.id}`);
  await copied.getByLabel('Token').waitFor();
  assert.equal(await copied.getByRole('heading', { name: 'Recent Deliveries' }).count(), 0);
});

test('CSRF: a form posted from another port of the same host is refused, though the browser sends the cookie', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  const target = `${base}/dashboard/repos/alice/hello/hooks/${h.id}/delete`;
  const attacker = await serve(`<!doctype html><form id="f" method="post" action="${target}"></form>
    <script>document.getElementById('f').submit()</script>`);
  t.after(() => new Promise<void>((resolve) => attacker.server.close(() => resolve())));

  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, base, token);
  const posted = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
  await page.goto(attacker.url);
  const response = await posted;
  const cookieSent = (await response.request().allHeaders()).cookie ?? '';
  assert.match(cookieSent, /hookline_session=/, 'same site: the browser sent the session cookie');
  assert.equal(response.status(), 403);
  await page.screenshot({ path: `${SHOTS}/dashboard-csrf-refused.png` });
  assert.equal((await app.call('GET', `${path}/${h.id}`, { token })).statusCode, 200, 'the hook was not deleted');
});

test('the site administrator sees failing hooks and the queue on Site status', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  const failing = await hook(app, token, path, receiver.url('/status/500'), { events: ['issues'] });
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  await app.worker!.idle();
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, base, ADMIN_TOKEN);
  await page.getByRole('link', { name: 'Site status' }).click();
  await page.getByRole('heading', { name: 'Failing or disabled hooks' }).waitFor();
  assert.equal(await page.locator('#last-hour-failed').innerText(), '2', 'the ping and the event');
  assert.equal(await page.getByRole('link', { name: receiver.url('/status/500') }).getAttribute('href'),
    `/dashboard/repos/alice/hello/hooks/${failing.id}`);
  await page.screenshot({ path: `${SHOTS}/dashboard-site.png`, fullPage: true });
});

test('Replay failed…: after a receiver that answered 500 recovers, only the failed events are sent again', async (t) => {
  // No automatic retries: what reaches the receiver a second time was sent by the replay.
  const { app, token, path } = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off' });
  let failing = false;
  const seen: string[] = [];
  const flaky = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(String(req.headers['x-github-delivery']));
      res.writeHead(failing ? 500 : 200, { 'Content-Type': 'text/plain' }).end(failing ? 'down' : 'ok');
    });
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => flaky.close(() => resolve())));
  const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
  const h = await hook(app, token, path, `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`, { events: ['issues'] });
  const since = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
  const deliver = async (n: number) => {
    const { guid } = await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { n } });
    await app.worker!.idle();
    return guid;
  };
  const ok1 = await deliver(1);
  failing = true;
  const failed = [await deliver(2), await deliver(3)];
  failing = false;
  const ok2 = await deliver(4);
  assert.equal(seen.length, 5, 'the ping and four events');

  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, base, token);
  await page.goto(`${base}/dashboard/repos/alice/hello/hooks/${h.id}`);
  const rows = page.locator('#deliveries tbody tr');
  assert.equal(await rows.count(), 5);
  await page.getByRole('link', { name: 'Replay failed…' }).click();
  await page.getByLabel('Since (UTC)').fill(since);
  await page.screenshot({ path: `${SHOTS}/dashboard-replay.png`, fullPage: true });
  await page.getByRole('button', { name: 'Replay' }).click();
  await page.getByText('Replay queued 2 failed deliveries.').waitFor();
  // The new attempts appear without a reload.
  await page.waitForFunction(() => document.querySelectorAll('#deliveries .tag').length === 2, null, { timeout: 10_000 });
  assert.equal(await rows.count(), 7);
  await page.screenshot({ path: `${SHOTS}/dashboard-replayed.png`, fullPage: true });
  const count = (guid: string) => seen.filter((g) => g === guid).length;
  assert.deepEqual(failed.map(count), [2, 2], 'each failed event sent once more');
  assert.deepEqual([ok1, ok2].map(count), [1, 1], 'the events that succeeded are not sent again');
  assert.equal(seen.length, 7);
});
