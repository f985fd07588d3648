// Compatibility: the real `gh` (GitHub CLI) against Hookline over HTTPS with a generated self-signed
// certificate, as a GitHub Enterprise Server host: auth status, REST reads and writes, --paginate.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureSelfSigned } from '../../src/tls.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startServer, type TestServer } from '../support/server.js';

const ghMissing = (() => {
  try {
    execFileSync('gh', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();

describe('gh (GitHub CLI) over HTTPS', { skip: ghMissing && 'gh is not installed (.ci/run installs it)' }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let dir: string;
  let host: string;
  let token: string;
  const cert = () => join(dir, 'tls', 'cert.pem');

  /** Runs gh with only the environment a user would set for an enterprise host. */
  function gh(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile('gh', args, {
        env: {
          PATH: process.env.PATH, HOME: dir, GH_CONFIG_DIR: join(dir, 'gh'), GH_HOST: host, GH_ENTERPRISE_TOKEN: token,
          SSL_CERT_FILE: cert(), GH_NO_UPDATE_NOTIFIER: '1', GH_PROMPT_DISABLED: '1', NO_COLOR: '1',
        },
      }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-gh-'));
    assert.equal(await ensureSelfSigned({ cert: cert(), key: join(dir, 'tls', 'key.pem'), selfSigned: true }), true);
    server = await startServer({
      HOOKLINE_TLS_CERT: cert(), HOOKLINE_TLS_KEY: join(dir, 'tls', 'key.pem'), HOOKLINE_ALLOWED_HOSTS: 'loopback',
    });
    await server.app.start(); // the delivery worker, so that deliveries get recorded
    receiver = await startReceiver();
    host = new URL(server.baseUrl).host;
    const call = (method: 'POST', url: string, body: unknown) =>
      server.app.http.inject({ method, url, headers: { authorization: `token ${server.adminToken}` }, payload: body as object });
    await call('POST', '/admin/users', { login: 'alice', email: 'alice@example.com' });
    token = (await call('POST', '/admin/users/alice/authorizations', { scopes: ['repo', 'read:org'] })).json().token;
    const repo = await server.app.http.inject({ method: 'POST', url: '/user/repos', headers: { authorization: `token ${token}` }, payload: { name: 'app' } });
    assert.equal(repo.statusCode, 201, repo.body);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gh auth status reads the API root and the viewer over HTTPS', async () => {
    assert.match(server.baseUrl, /^https:/);
    const res = await gh(['auth', 'status', '--hostname', host]);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stderr + res.stdout, new RegExp(`Logged in to ${host.replace(/\./g, '\\.')} as alice`));
  });

  it('gh api lists and creates repository hooks, and --paginate follows https Link headers', async () => {
    const empty = await gh(['api', 'repos/alice/app/hooks']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.deepEqual(JSON.parse(empty.stdout), []);

    const body = JSON.stringify({ name: 'web', events: ['push'], config: { url: receiver.url('/ok'), content_type: 'json', secret: 's3cret' } });
    const created = await gh(['api', '--method', 'POST', 'repos/alice/app/hooks', '--input', '-'], body);
    assert.equal(created.code, 0, created.stderr);
    const hook = JSON.parse(created.stdout);
    assert.equal(hook.config.secret, '********');
    assert.equal(hook.url, `${server.baseUrl}/repos/alice/app/hooks/${hook.id}`);

    const listed = await gh(['api', 'repos/alice/app/hooks']);
    assert.deepEqual(JSON.parse(listed.stdout).map((h: { id: number }) => h.id), [hook.id]);

    // The ping and three pushes: four deliveries, listed two per page.
    for (let i = 0; i < 3; i++) {
      const res = await server.app.http.inject({
        method: 'POST', url: '/hookline/events', headers: { authorization: `token ${server.adminToken}` },
        payload: { event: 'push', repository: 'alice/app', payload: { ref: `refs/heads/b${i}` } },
      });
      assert.equal(res.statusCode, 202, res.body);
    }
    await receiver.waitFor(4);
    // The receiver's answer is recorded just after it is sent: wait until all four are listed.
    const listAll = () => server.app.http.inject({
      method: 'GET', url: `/repos/alice/app/hooks/${hook.id}/deliveries?per_page=100`, headers: { authorization: `token ${token}` },
    });
    while ((await listAll()).json().length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    const firstPage = await server.app.http.inject({
      method: 'GET', url: `/api/v3/repos/alice/app/hooks/${hook.id}/deliveries?per_page=2`, headers: { authorization: `token ${token}` },
    });
    assert.match(String(firstPage.headers.link), /^<https:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/alice\/app\/hooks\/\d+\/deliveries\?/);

    const paged = await gh(['api', '--paginate', `repos/alice/app/hooks/${hook.id}/deliveries?per_page=2`, '--jq', '.[].event']);
    assert.equal(paged.code, 0, paged.stderr);
    assert.deepEqual(paged.stdout.trim().split('\n').sort(), ['ping', 'push', 'push', 'push']);
  });

  it('gh api reports GitHub-shaped errors: a missing repository is 404', async () => {
    const res = await gh(['api', 'repos/alice/nope/hooks']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /Not Found \(HTTP 404\)/);
  });
});
