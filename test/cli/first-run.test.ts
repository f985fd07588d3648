// First run and everyday operation through the CLI: start-up failures are one line naming the setting,
// the generated admin token survives a failed start, and the database refuses a key it was not set up with.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { POSTGRES_URL, postgresSchema } from '../support/database.js';
import { listeningAddress, runCli, startCli } from './support.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** No stack trace: no "    at " frames and a single line. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.match(stderr.trim(), pattern);
  assert.equal(stderr.trim().split('\n').length, 1, `expected one line, got:\n${stderr}`);
}

describe('start-up failures', () => {
  test('a busy port is one line naming PORT, exit 1; the token made by that start is kept in a 0600 file the next start points to', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const busy = await busyPort();
    try {
      const failed = await runCli(['serve', '--port', String(busy.port), '--database-url', db]);
      assert.equal(failed.code, 1);
      assertOneLine(failed.stderr, new RegExp(`^hookline: PORT: 127\\.0\\.0\\.1:${busy.port} is already in use; set PORT \\(or --port\\) to a free port$`));
      assert.doesNotMatch(failed.stdout, /ghp_/, 'a token is printed only by a start that listens');
    } finally {
      busy.server.close();
    }
    const file = join(dir, 'admin-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    assert.match(token, /^ghp_[A-Za-z0-9]{36}$/);

    const next = await startCli(['serve', '--port', '0', '--database-url', db], {}, /site administrator token.*\n/);
    try {
      assert.match(next.output(), new RegExp(`site administrator token: the stored one, kept in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      assert.doesNotMatch(next.output(), /ghp_/);
      const res = await fetch(`${listeningAddress(next.output())}/user`, { headers: { authorization: `token ${token}` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { login: string }).login, 'hookline-admin');
    } finally {
      assert.equal(await next.stop(), 0);
    }
  });

  test('a first start that listens prints the token, and names HOOKLINE_ADMIN_TOKEN when that is in force', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const first = await startCli(['serve', '--port', '0', '--database-url', db], {}, /ghp_\w{36}\n/);
    await first.stop();
    const printed = /^ {2}(ghp_\w{36})$/m.exec(first.output())![1];
    assert.equal(readFileSync(join(dir, 'admin-token'), 'utf8').trim(), printed);

    const configured = await startCli(['serve', '--port', '0', '--database-url', db], { HOOKLINE_ADMIN_TOKEN: 'an-admin-token-from-the-environment' }, /site administrator token.*\n/);
    await configured.stop();
    assert.match(configured.output(), /site administrator token: HOOKLINE_ADMIN_TOKEN \(a stored token, if any, is not in force while it is set\)/);
    assert.doesNotMatch(configured.output(), /an-admin-token-from-the-environment|ghp_/);
  });

  test('a worker never makes an admin token: the first serve after it does', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const worker = await startCli(['worker', '--database-url', db], {}, /delivery worker running/);
    await worker.stop();
    assert.equal(existsSync(join(dir, 'admin-token')), false);
    const serve = await startCli(['serve', '--port', '0', '--database-url', db], {}, /ghp_\w{36}\n/);
    await serve.stop();
    assert.match(serve.output(), /Hookline site administrator token \(shown once; also saved in .*admin-token, mode 0600\)/);
  });

  test('an unreachable or unusable database is one line naming HOOKLINE_DATABASE_URL, without its password', async () => {
    const refused = await runCli(['migrate', '--database-url', 'postgres://hookline:hunter2@127.0.0.1:1/hookline']);
    assert.equal(refused.code, 1);
    assertOneLine(refused.stderr, /^hookline: HOOKLINE_DATABASE_URL: cannot use postgres:\/\/hookline:\*\*\*@127\.0\.0\.1:1\/hookline: connection refused$/);

    const served = await runCli(['serve', '--port', '0'], { HOOKLINE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' });
    assert.equal(served.code, 1);
    assertOneLine(served.stderr, /^hookline: HOOKLINE_DATABASE_URL: cannot use postgres:\/\/nobody@127\.0\.0\.1:1\/x: connection refused$/);

    const dir = tempDir();
    const file = join(dir, 'not-a-dir');
    await runCli(['migrate', '--database-url', `sqlite:${join(dir, 'ok.db')}`]);
    const blocked = await runCli(['migrate', '--database-url', `sqlite:${join(dir, 'ok.db', 'nested.db')}`]);
    assert.equal(blocked.code, 1);
    assertOneLine(blocked.stderr, /^hookline: HOOKLINE_DATABASE_URL: cannot use sqlite:.*nested\.db: /);
    assert.equal(existsSync(file), false);
  });
});

describe('settings that look mistyped', () => {
  test('a mistyped HOOKLINE_ALLOWED_HOSTS keyword stops the start; a bare host name is accepted with a warning', async () => {
    const typo = await runCli(['serve', '--port', '0', '--database-url', 'sqlite::memory:'], { HOOKLINE_ALLOWED_HOSTS: 'loopbak' });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /HOOKLINE_ALLOWED_HOSTS: "loopbak" is not a keyword; did you mean "loopback"\?/);
    const bare = await startCli(['serve', '--port', '0', '--database-url', 'sqlite::memory:', '--allowed-hosts', 'external,receiver'], {}, /API listening/);
    await bare.stop();
    assert.match(bare.output(), /^hookline: warning: HOOKLINE_ALLOWED_HOSTS: "receiver" is taken as a host name without a domain/m);
  });
});

describe('the secret key fingerprint', () => {
  test('a database refuses to start with another key than the one it was set up with', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const keyA = randomBytes(32).toString('hex');
    const first = await startCli(['serve', '--port', '0', '--database-url', db], { HOOKLINE_SECRET_KEY: keyA }, /API listening/);
    await first.stop();

    const other = await runCli(['serve', '--port', '0', '--database-url', db], { HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex') });
    assert.equal(other.code, 1);
    assertOneLine(other.stderr, /^hookline: HOOKLINE_SECRET_KEY: this database's hook secrets were encrypted with another key than the key in HOOKLINE_SECRET_KEY; set HOOKLINE_SECRET_KEY to the original key/);
    assert.doesNotMatch(other.stderr + other.stdout, new RegExp(keyA));

    const again = await startCli(['serve', '--port', '0', '--database-url', db], { HOOKLINE_SECRET_KEY: keyA }, /API listening/);
    assert.equal(await again.stop(), 0);
  });

  test('a start from elsewhere that would make a new key file refuses, names the setting, and leaves no stray key', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const first = await startCli(['serve', '--port', '0', '--database-url', db], {}, /API listening/);
    await first.stop();
    assert.ok(existsSync(join(dir, 'hookline.key')));

    const elsewhere = tempDir();
    const res = await runCli(['serve', '--port', '0', '--database-url', db, '--data-dir', elsewhere]);
    assert.equal(res.code, 1);
    assertOneLine(res.stderr, new RegExp(`another key than the key file ${elsewhere}/hookline\\.key; set HOOKLINE_SECRET_KEY to the original key \\(or HOOKLINE_DATA_DIR`));
    assert.equal(existsSync(join(elsewhere, 'hookline.key')), false);
  });

  test('on PostgreSQL without HOOKLINE_SECRET_KEY, every start says where the key is and that all processes need it', { skip: !POSTGRES_URL && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, async () => {
    const schema = postgresSchema();
    const dataDir = tempDir();
    try {
      const args = ['serve', '--port', '0', '--database-url', schema.url, '--data-dir', dataDir];
      const first = await startCli(args, {}, /site administrator token/);
      await first.stop();
      const key = join(dataDir, 'hookline.key');
      assert.match(first.output(), new RegExp(`^hookline: HOOKLINE_SECRET_KEY is not set; hook secrets are encrypted with the key generated now in ${key}\. Every process sharing this database needs that key: set HOOKLINE_SECRET_KEY to the file's contents\.$`, 'm'));

      const worker = await startCli(['worker', '--database-url', schema.url, '--data-dir', dataDir], {}, /delivery worker running/);
      await worker.stop();
      assert.match(worker.output(), new RegExp(`encrypted with the key in ${key}\. Every process`));

      const configured = await startCli(args, { HOOKLINE_SECRET_KEY: readFileSync(key, 'utf8').trim() }, /site administrator token/);
      await configured.stop();
      assert.doesNotMatch(configured.output(), /HOOKLINE_SECRET_KEY is not set/);

      const elsewhere = await runCli(['worker', '--database-url', schema.url, '--data-dir', tempDir()]);
      assert.equal(elsewhere.code, 1, 'a worker started in another folder refuses instead of failing every delivery');
      assert.match(elsewhere.stderr, /^hookline: HOOKLINE_SECRET_KEY: this database's hook secrets were encrypted with another key/);
    } finally {
      await schema.drop();
    }
  });
});
