// A real listening Hookline on 127.0.0.1 for compatibility tests, driven by @octokit/rest.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Octokit } from '@octokit/rest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDatabase } from './database.js';

/** A listening server and the means to talk to it. */
export interface TestServer {
  /** http(s)://127.0.0.1:<port> (https when the env names a certificate), also the server's HOOKLINE_PUBLIC_URL (so `url` fields and Link headers point here). */
  baseUrl: string;
  /** The site administrator's token. */
  adminToken: string;
  app: App;
  /** An Octokit for the GHES-style base URL `<baseUrl>/api/v3`, authenticated with `token`. */
  octokit(token: string): Octokit;
  close(): Promise<void>;
}

/** Asks the OS for a free port on 127.0.0.1 (port 0) and releases it at once. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve);
  });
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Starts Hookline on an in-memory database. The public URL is baked into the app when it is built, and
 * must be the address it listens on, so the port is learnt first (port 0 on a probe socket) and the app
 * is then built for it and listens there; if another process takes the port in between, try again.
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const adminToken = `hookline-compat-${randomBytes(12).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `${env.HOOKLINE_TLS_CERT ? 'https' : 'http'}://127.0.0.1:${port}`;
    const database = testDatabase();
    const config = loadConfig({
      HOOKLINE_DATABASE_URL: database.url,
      HOOKLINE_ADMIN_TOKEN: adminToken,
      HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_PUBLIC_URL: baseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    });
    const app = await buildApp({ config });
    try {
      await app.http.listen({ port, host: '127.0.0.1' });
    } catch (err) {
      await app.close();
      await database.drop();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      throw err;
    }
    return {
      baseUrl,
      adminToken,
      app,
      octokit: (token) => new Octokit({ auth: token, baseUrl: `${baseUrl}/api/v3`, log: quietLog }),
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  }
}

/** Octokit logs every request, and every error response at `error` level; the tests assert on those instead. */
const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * What tests read of Octokit's RequestError. It is recognised by shape (its `name` is "HttpError")
 * rather than with instanceof, because @octokit/request-error is only a transitive dependency.
 */
export interface RequestError extends Error {
  status: number;
  response?: { status: number; data: unknown; headers: Record<string, string | undefined> };
}

/** Runs `call`, which must fail, and returns its Octokit RequestError. */
export async function requestError(call: () => Promise<unknown>): Promise<RequestError> {
  try {
    await call();
  } catch (err) {
    const e = err as RequestError;
    assert.ok(e instanceof Error && e.name === 'HttpError' && typeof e.status === 'number', `expected an Octokit RequestError, got ${String(err)}`);
    assert.equal(e.response?.status, e.status);
    return e;
  }
  assert.fail('expected the request to fail');
}
