// Configuration: defaults, environment, flags, and a clear message for every bad value, all at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The problems loadConfig reports for `env`; fails if it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('defaults match DESIGN.md', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.databaseUrl, 'sqlite:./data/hookline.db');
    assert.equal(c.adminToken, null);
    assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(c.allowedHosts.external, true);
    assert.equal(c.allowedHosts.private, false);
    assert.equal(c.allowedHosts.loopback, false);
    assert.equal(c.allowedHosts.any, false);
    assert.equal(c.deliveryTimeoutMs, 10_000);
    assert.equal(c.secretKey, null);
    assert.equal(c.bodyLimitBytes, 1024 * 1024);
    assert.equal(c.maxHooksPerEvent, 20);
    assert.ok(Object.isFrozen(c));
  });

  test('reads every variable', () => {
    const key = 'ab'.repeat(32);
    const c = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', HOOKLINE_DATABASE_URL: 'sqlite::memory:', HOOKLINE_ADMIN_TOKEN: 'a-long-enough-admin-token',
      HOOKLINE_PUBLIC_URL: 'https://hooks.example.com/', HOOKLINE_ALLOWED_HOSTS: 'external, private', HOOKLINE_DELIVERY_TIMEOUT_MS: '30000',
      HOOKLINE_SECRET_KEY: key, HOOKLINE_BODY_LIMIT_BYTES: '2048', HOOKLINE_MAX_HOOKS_PER_EVENT: '250',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.databaseUrl, 'sqlite::memory:');
    assert.equal(c.adminToken, 'a-long-enough-admin-token');
    assert.equal(c.publicUrl, 'https://hooks.example.com', 'trailing slash dropped');
    assert.equal(c.allowedHosts.private, true);
    assert.equal(c.deliveryTimeoutMs, 30_000);
    assert.deepEqual(c.secretKey, Buffer.from(key, 'hex'));
    assert.equal(c.bodyLimitBytes, 2048);
    assert.equal(c.maxHooksPerEvent, 250);
  });

  test('the public URL defaults from HOST and PORT, bracketing IPv6', () => {
    assert.equal(loadConfig({ HOST: '::1', PORT: '4000' }).publicUrl, 'http://[::1]:4000');
    assert.equal(loadConfig({ HOST: 'hookline.internal' }).publicUrl, 'http://hookline.internal:3000');
  });

  test('accepts postgres URLs and a base64 secret key', () => {
    assert.equal(loadConfig({ HOOKLINE_DATABASE_URL: 'postgres://u@h/db' }).databaseUrl, 'postgres://u@h/db');
    assert.equal(loadConfig({ HOOKLINE_DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl, 'postgresql://u@h/db');
    const key = Buffer.alloc(32, 7);
    assert.deepEqual(loadConfig({ HOOKLINE_SECRET_KEY: key.toString('base64') }).secretKey, key);
  });

  test('each bad value has a clear message naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'abc' }, /^PORT must be a whole number from 0 to 65535, got "abc"$/],
      [{ PORT: '70000' }, /^PORT must be a whole number/],
      [{ PORT: '-1' }, /^PORT must be a whole number/],
      [{ HOST: 'not a host!' }, /^HOST must be an IP address or a host name, got "not a host!"$/],
      [{ HOOKLINE_DATABASE_URL: 'mysql://x' }, /^HOOKLINE_DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres:\/\/…, got "mysql:\/\/x"$/],
      [{ HOOKLINE_DATABASE_URL: 'sqlite:' }, /^HOOKLINE_DATABASE_URL must be/],
      [{ HOOKLINE_ADMIN_TOKEN: 'short' }, /^HOOKLINE_ADMIN_TOKEN must be at least 16 characters$/],
      [{ HOOKLINE_PUBLIC_URL: 'ftp://x' }, /^HOOKLINE_PUBLIC_URL must be an absolute http\(s\) URL, got "ftp:\/\/x"$/],
      [{ HOOKLINE_PUBLIC_URL: 'hooks.example.com' }, /^HOOKLINE_PUBLIC_URL must be an absolute http\(s\) URL/],
      [{ HOOKLINE_ALLOWED_HOSTS: 'external,intranet only' }, /^HOOKLINE_ALLOWED_HOSTS: "intranet only" is not external, private, loopback, \*, a host name or a CIDR$/],
      [{ HOOKLINE_ALLOWED_HOSTS: '10.0.0.0/33' }, /^HOOKLINE_ALLOWED_HOSTS: "10.0.0.0\/33" is not a valid CIDR$/],
      [{ HOOKLINE_DELIVERY_TIMEOUT_MS: '0' }, /^HOOKLINE_DELIVERY_TIMEOUT_MS must be a whole number from 1 to 600000, got "0"$/],
      [{ HOOKLINE_DELIVERY_TIMEOUT_MS: '10s' }, /^HOOKLINE_DELIVERY_TIMEOUT_MS must be a whole number/],
      [{ HOOKLINE_SECRET_KEY: 'too-short' }, /^HOOKLINE_SECRET_KEY must be 32 bytes, as 64 hex characters or base64$/],
      [{ HOOKLINE_SECRET_KEY: 'ab'.repeat(31) }, /^HOOKLINE_SECRET_KEY must be 32 bytes/],
      [{ HOOKLINE_BODY_LIMIT_BYTES: '12' }, /^HOOKLINE_BODY_LIMIT_BYTES must be a whole number from 1024 to/],
      [{ HOOKLINE_MAX_HOOKS_PER_EVENT: '0' }, /^HOOKLINE_MAX_HOOKS_PER_EVENT must be a whole number from 1 to/],
      [{ HOOKLINE_DELIVERY_CONCURRENCY: '1.5' }, /^HOOKLINE_DELIVERY_CONCURRENCY must be a whole number/],
      [{ HOOKLINE_DELIVERY_RETENTION_DAYS: 'week' }, /^HOOKLINE_DELIVERY_RETENTION_DAYS must be a whole number/],
    ];
    for (const [env, message] of cases) {
      const found = problems(env);
      assert.equal(found.length, 1, `${JSON.stringify(env)} → ${JSON.stringify(found)}`);
      assert.match(found[0], message);
    }
  });

  test('secrets are never echoed in messages', () => {
    const [token] = problems({ HOOKLINE_ADMIN_TOKEN: 'sekrit' });
    assert.equal(token.includes('sekrit'), false);
    const [key] = problems({ HOOKLINE_SECRET_KEY: 'my-secret-key-value' });
    assert.equal(key.includes('my-secret-key-value'), false);
  });

  test('all problems are reported together, in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'x', HOST: 'a b', HOOKLINE_DATABASE_URL: 'mysql://x', HOOKLINE_ADMIN_TOKEN: 'short', HOOKLINE_PUBLIC_URL: 'nope',
        HOOKLINE_ALLOWED_HOSTS: 'bad host', HOOKLINE_DELIVERY_TIMEOUT_MS: '0', HOOKLINE_SECRET_KEY: 'k',
      });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError);
    const vars = ['PORT', 'HOST', 'HOOKLINE_DATABASE_URL', 'HOOKLINE_ADMIN_TOKEN', 'HOOKLINE_PUBLIC_URL', 'HOOKLINE_ALLOWED_HOSTS', 'HOOKLINE_DELIVERY_TIMEOUT_MS', 'HOOKLINE_SECRET_KEY'];
    assert.equal(error.problems.length, vars.length, error.message);
    for (const v of vars) assert.ok(error.problems.some((p) => p.startsWith(`${v} `) || p.startsWith(`${v}:`)), v);
    assert.match(error.message, /^invalid configuration:\n {2}- /);
    assert.equal(error.message.split('\n  - ').length, vars.length + 1);
  });

  test('overrides (CLI flags) win over the environment', () => {
    assert.equal(loadConfig({ PORT: '1000' }, { PORT: '2000' }).port, 2000);
    assert.deepEqual(problems({ PORT: 'bad' }).length, 1);
    assert.equal(loadConfig({ PORT: 'bad' }, { PORT: '2000' }).port, 2000);
  });
});
