// A browser-like client for dashboard tests over app.inject(): keeps cookies, reads the CSRF token
// from the page's forms, and posts urlencoded forms with the page's own Origin.
import assert from 'node:assert/strict';
import type { TestApp } from '../support/app.js';

export const ORIGIN = 'http://localhost:80';

export interface Page {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  location: string | undefined;
}

export class DashboardClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: TestApp) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string | string[] | number | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attrs] = String(line).split(';');
      const [name, value] = pair.split('=');
      const expired = value === '' || attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  async get(url: string): Promise<Page> {
    const res = await this.app.http.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), accept: 'text/html' } });
    this.keep(res.headers['set-cookie']);
    return { status: res.statusCode, headers: res.headers, body: res.body, location: res.headers.location as string | undefined };
  }

  /** Posts a form; `csrf` defaults to the token of the page at `from`. */
  async post(url: string, fields: Record<string, string>, opts: { from?: string; csrf?: string | null; origin?: string | null } = {}): Promise<Page> {
    const csrf = opts.csrf === undefined ? csrfOf((await this.get(opts.from ?? '/dashboard')).body) : opts.csrf;
    const form = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) });
    const headers: Record<string, string> = { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', host: 'localhost:80' };
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin !== null) headers.origin = origin;
    const res = await this.app.http.inject({ method: 'POST', url, headers, payload: form.toString() });
    this.keep(res.headers['set-cookie']);
    return { status: res.statusCode, headers: res.headers, body: res.body, location: res.headers.location as string | undefined };
  }

  async signIn(token: string): Promise<Page> {
    const res = await this.post('/dashboard/sign-in', { token });
    assert.equal(res.status, 303, res.body);
    return res;
  }
}

/** The CSRF token in a page's first form. */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  assert.ok(m, 'the page has a form with a CSRF token');
  return m[1];
}
