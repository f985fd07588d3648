// Shortcuts for hook API tests: an app closed when the test ends, a user owning a repository, listing.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Clock } from '../../src/domain/clock.js';
import { testApp, type TestApp } from './app.js';

/** A clock tests move by hand; starts at a fixed instant so timestamps are predictable. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-01-02T03:04:05Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A test app on a manual clock, closed after the test. */
export async function appFor(t: TestContext, env: Record<string, string> = {}, opts: { databaseUrl?: string; clock?: ManualClock } = {}) {
  const clock = opts.clock ?? new ManualClock();
  const app = await testApp(env, { clock, databaseUrl: opts.databaseUrl });
  // A test may close early (to read the database file); closing twice must not fail the test.
  const close = app.close.bind(app);
  let closing: Promise<void> | null = null;
  app.close = () => (closing ??= close());
  t.after(() => app.close());
  return { app, clock };
}

/** alice (token scope `repo`) owning alice/Hello; `path` is the hooks collection. */
export async function ownedRepo(t: TestContext, env: Record<string, string> = {}, opts: { databaseUrl?: string } = {}) {
  const { app, clock } = await appFor(t, env, opts);
  const token = await app.user('alice', ['repo']);
  const repo = await app.repo(token, 'Hello');
  return { app, clock, token, repo, path: '/repos/alice/Hello/hooks' };
}

/** A distinct public receiver URL. */
export const target = (n: number | string = 1) => `https://receiver.example.com/hooks/${n}`;

/** Creates a hook and returns its JSON, failing the test unless the API answers 201. */
export async function createHook(app: TestApp, token: string, path: string, body: unknown): Promise<any> {
  const res = await app.call('POST', path, { token, body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Every hook on the repository (as the API lists them), for "nothing changed" assertions. */
export async function allHooks(app: TestApp, token: string, path: string): Promise<any[]> {
  const res = await app.call('GET', `${path}?per_page=100`, { token });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Asserts a GitHub-shaped error: status, message (exact or pattern), status as a string, docs URL. */
export function assertError(res: { statusCode: number; json: () => any; body: string }, status: number, message: string | RegExp): any {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  if (typeof message === 'string') assert.equal(body.message, message);
  else assert.match(body.message, message);
  assert.equal(body.status, String(status));
  assert.match(body.documentation_url, /^https:\/\/docs\.github\.com\/rest/);
  return body;
}

/** Asserts a 422 "Validation Failed" whose errors[] carry exactly these messages (in any order). */
export function assertValidation(res: { statusCode: number; json: () => any; body: string }, messages: string[]): any[] {
  const body = assertError(res, 422, 'Validation Failed');
  assert.ok(Array.isArray(body.errors), res.body);
  for (const e of body.errors) assert.equal(e.resource, 'Hook');
  assert.deepEqual(body.errors.map((e: any) => e.message).sort(), [...messages].sort());
  return body.errors;
}
