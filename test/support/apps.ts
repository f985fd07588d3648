// GitHub App helpers for tests: register an App through the API and sign JWTs as an App client would.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TestApp } from './app.js';

/** What POST /hookline/apps returned: the App with its one-time secrets. */
export interface Registered {
  id: number;
  slug: string;
  client_id: string;
  webhook_secret: string;
  pem: string;
  [key: string]: unknown;
}

/** Registers an App as the site administrator (201 or the test fails). */
export async function registerApp(app: TestApp, hookUrl: string, more: Record<string, unknown> = {}): Promise<Registered> {
  const res = await app.call('POST', '/hookline/apps', {
    body: {
      name: 'Octo Bot', url: 'https://example.com/octo-bot', hook_attributes: { url: hookUrl },
      default_events: ['issues'], default_permissions: { issues: 'write', metadata: 'read' }, ...more,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** A JWT as @octokit/auth-app signs it (iat 30 s back, exp 10 min after iat), with overrides for bad cases. */
export async function appJwt(
  pem: string, iss: number | string, now: Date,
  o: { iat?: number; exp?: number; alg?: 'RS256' | 'RS512' } = {},
): Promise<string> {
  const nowS = Math.floor(now.getTime() / 1000);
  const iat = o.iat ?? nowS - 30;
  return new SignJWT({ iss: iss as string })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 600)
    .sign(createPrivateKey(pem));
}

/** Installs the App (201 or the test fails) and returns the installation. */
export async function install(app: TestApp, slug: string, body: Record<string, unknown>): Promise<any> {
  const res = await app.call('POST', `/hookline/apps/${slug}/installations`, { body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
