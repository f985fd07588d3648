// Test harness: an app on an in-memory database with a known admin token, plus provisioning shortcuts.
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import type { LoggerOption } from '../../src/logger.js';
import { testDatabase } from './database.js';

export const ADMIN_TOKEN = 'hookline-test-admin-token-0123456789';

export interface TestApp extends App {
  config: Config;
  /** inject() with JSON body and a token. */
  call(method: string, url: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{
    statusCode: number;
    headers: Record<string, string | string[] | number | undefined>;
    json: () => any;
    body: string;
  }>;
  /** Creates a user and returns an impersonation token with the given scopes. */
  user(login: string, scopes?: string[]): Promise<string>;
  repo(token: string, name: string, org?: string): Promise<any>;
}

export async function testApp(env: Record<string, string> = {}, opts: { clock?: Clock; databaseUrl?: string; runWorker?: boolean; logger?: LoggerOption } = {}): Promise<TestApp> {
  const database = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => undefined } : testDatabase();
  const config = loadConfig({
    HOOKLINE_DATABASE_URL: database.url,
    HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
    HOOKLINE_PUBLIC_URL: 'http://hookline.test',
    // GitHub's one attempt unless a test is about retries.
    HOOKLINE_RETRY_SCHEDULE: 'off',
    ...env,
  }, {}, opts.runWorker === undefined ? {} : { runWorker: opts.runWorker });
  const app = await buildApp({ config, clock: opts.clock, logger: opts.logger });
  const call: TestApp['call'] = async (method, url, o = {}) => {
    const token = o.token === undefined ? ADMIN_TOKEN : o.token;
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (token) headers.authorization = `token ${token}`;
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.http.inject({ method: method as 'GET', url, headers, payload });
    return { statusCode: res.statusCode, headers: res.headers, json: () => res.json(), body: res.body };
  };
  return {
    ...app,
    async close() {
      await app.close();
      await database.drop();
    },
    config,
    call,
    async user(login, scopes = ['repo']) {
      const created = await call('POST', '/admin/users', { body: { login, email: `${login}@example.com` } });
      if (created.statusCode !== 201 && created.statusCode !== 422) throw new Error(`user: ${created.body}`);
      const res = await call('POST', `/admin/users/${login}/authorizations`, { body: { scopes } });
      if (res.statusCode !== 201) throw new Error(`token: ${res.body}`);
      return res.json().token;
    },
    async repo(token, name, org) {
      const res = await call('POST', org ? `/orgs/${org}/repos` : '/user/repos', { token, body: { name } });
      if (res.statusCode !== 201) throw new Error(`repo: ${res.body}`);
      return res.json();
    },
  };
}
