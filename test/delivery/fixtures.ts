// Shared set-up for delivery tests: a started app and a real receiver, both closed when the test ends,
// and shortcuts for hooks, arrivals and the delivery log.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { LoggerOption } from '../../src/logger.js';
import { ManualClock } from '../support/hooks.js';
import { testApp, type TestApp } from '../support/app.js';
import { startReceiver, type Received, type Receiver } from '../support/receiver.js';

export interface DeliveryRig {
  app: TestApp;
  receiver: Receiver;
  /** alice's token (scope `repo`); she owns alice/hello. */
  token: string;
  repo: any;
  /** The hooks collection of alice/hello. */
  path: string;
}

/**
 * A started app (loopback targets allowed) with alice owning alice/hello, and a receiver. The receiver
 * closes first so requests it holds open end at once, then the app (whose worker waits for them).
 */
export async function deliveryRig(
  t: TestContext,
  env: Record<string, string> = {},
  opts: { clock?: ManualClock; databaseUrl?: string; start?: boolean; logger?: LoggerOption } = {},
): Promise<DeliveryRig> {
  const receiver = await startReceiver();
  const app = await testApp({ HOOKLINE_ALLOWED_HOSTS: 'loopback', ...env }, { clock: opts.clock, databaseUrl: opts.databaseUrl, logger: opts.logger });
  t.after(async () => {
    await receiver.close();
    await app.close();
  });
  if (opts.start !== false) await app.start();
  const token = await app.user('alice', ['repo']);
  const repo = await app.repo(token, 'hello');
  return { app, receiver, token, repo, path: '/repos/alice/hello/hooks' };
}

/** Creates a hook (201 or the test fails) and returns its JSON. */
export async function hook(app: TestApp, token: string, path: string, url: string, more: Record<string, unknown> = {}): Promise<any> {
  const { config, ...rest } = more as { config?: Record<string, unknown> };
  const res = await app.call('POST', path, {
    token,
    body: { name: 'web', config: { url, content_type: 'json', ...config }, events: ['*'], ...rest },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Ingests an event as the site administrator; asserts 202 and returns `{guid, deliveries}`. */
export async function ingest(app: TestApp, body: Record<string, unknown>): Promise<{ guid: string; deliveries: number }> {
  const res = await app.call('POST', '/hookline/events', { body: { payload: {}, ...body } });
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

/** Resolves with the requests matching `match` once there are at least `count` of them. */
export async function arrivals(receiver: Receiver, match: (r: Received) => boolean, count: number): Promise<Received[]> {
  for (;;) {
    const got = receiver.received.filter(match);
    if (got.length >= count) return got;
    await receiver.waitFor(receiver.received.length + 1);
  }
}

/** Matches requests by event name and, optionally, hook id. */
export const byEvent = (event: string, hookId?: number) => (r: Received) =>
  r.headers['x-github-event'] === event && (hookId === undefined || r.headers['x-github-hook-id'] === String(hookId));

/** Every delivery of a hook as the API lists them (newest first), following `Link: rel="next"`. */
export async function allDeliveries(app: TestApp, token: string, hookUrl: string, query = ''): Promise<any[]> {
  const out: any[] = [];
  let url: string | null = `${hookUrl}/deliveries?per_page=100${query}`;
  while (url) {
    const res = await app.call('GET', url, { token });
    assert.equal(res.statusCode, 200, res.body);
    out.push(...res.json());
    url = linkTo(res.headers.link, 'next');
  }
  return out;
}

/** The path and query of the `rel` link in a Link header, or null. */
export function linkTo(header: unknown, rel: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m && m[2] === rel) {
      const u = new URL(m[1]);
      return `${u.pathname}${u.search}`;
    }
  }
  return null;
}

/** The delivery detail (200 or the test fails). */
export async function deliveryDetail(app: TestApp, token: string, hookUrl: string, id: number): Promise<any> {
  const res = await app.call('GET', `${hookUrl}/deliveries/${id}`, { token });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Moves the clock, lets the worker claim what became due, and waits until nothing due is left. */
export async function after(rig: DeliveryRig, clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  rig.app.worker!.queued();
  await rig.app.worker!.idle();
}
