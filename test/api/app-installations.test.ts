// Installing an App and what the installation can do: installation tokens (1 h, narrowed on request),
// GET /installation/repositories, revocation, and uninstalling (its tokens stop working).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { appFor } from '../support/hooks.js';
import { appJwt, install, registerApp } from '../support/apps.js';
import { validateResponse, validateSchema } from '../support/openapi.js';

async function installedRig(t: TestContext, selection: Record<string, unknown>) {
  const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
  const token = await app.user('alice', ['repo']);
  await app.repo(token, 'one');
  await app.repo(token, 'two');
  await app.user('bob', ['repo']);
  const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
  const installation = await install(app, registered.slug, { account: 'alice', ...selection });
  const asApp = async (method: string, url: string, body?: unknown) =>
    app.call(method, url, { token: null, body, headers: { authorization: `Bearer ${await appJwt(registered.pem, registered.id, clock.now())}` } });
  return { app, clock, registered, installation, asApp };
}

describe('App installations and installation tokens', () => {
  it('keeps every URL and Link under a GHES-style public URL', async (t) => {
    const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback', HOOKLINE_PUBLIC_URL: 'https://ghe.example/api/v3' });
    const token = await app.user('alice', ['repo']);
    await app.repo(token, 'one');
    await app.repo(token, 'two');
    const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
    const installation = await install(app, registered.slug, { account: 'alice' });
    assert.equal(installation.access_tokens_url, `https://ghe.example/api/v3/app/installations/${installation.id}/access_tokens`);
    assert.equal(installation.repositories_url, 'https://ghe.example/api/v3/installation/repositories');
    const jwt = await appJwt(registered.pem, registered.id, clock.now());
    const minted = await app.call('POST', `/api/v3/app/installations/${installation.id}/access_tokens`, { token: null, headers: { authorization: `Bearer ${jwt}` } });
    const repos = await app.call('GET', '/api/v3/installation/repositories?per_page=1', { token: minted.json().token });
    assert.equal(repos.statusCode, 200, repos.body);
    for (const link of String(repos.headers.link).split(', ')) assert.match(link, /^<https:\/\/ghe\.example\/api\/v3\/installation\/repositories\?/);
    assert.match(repos.json().repositories[0].url, /^https:\/\/ghe\.example\/api\/v3\/repos\/alice\//);
  });

  it('installs, lists and gets installations in GitHub shapes', async (t) => {
    const { app, registered, installation, asApp } = await installedRig(t, { repository_selection: 'all' });
    validateResponse('apps/get-installation', 200, installation);
    assert.equal(installation.account.login, 'alice');
    assert.equal(installation.app_id, registered.id);
    const list = await asApp('GET', '/app/installations');
    assert.equal(list.statusCode, 200, list.body);
    // The list operation's item schema requires `account` to be a user AND an enterprise (allOf, a quirk
    // of the description that github.com's own answers fail too); items are checked as `installation`.
    for (const item of list.json()) validateSchema('installation', item);
    assert.deepEqual(list.json().map((i: any) => i.id), [installation.id]);
    const one = await asApp('GET', `/app/installations/${installation.id}`);
    validateResponse('apps/get-installation', 200, one.json());
    assert.equal((await asApp('GET', '/app')).json().installations_count, 1);
    assert.equal((await asApp('GET', '/app/installations/999999')).statusCode, 404);

    for (const path of ['/repos/alice/one/installation', '/users/alice/installation']) {
      const found = await asApp('GET', path);
      assert.equal(found.statusCode, 200, `${path}: ${found.body}`);
      validateResponse(path.startsWith('/repos') ? 'apps/get-repo-installation' : 'apps/get-user-installation', 200, found.json());
      assert.equal(found.json().id, installation.id);
    }
    for (const path of ['/users/bob/installation', '/repos/alice/nope/installation', '/orgs/alice/installation']) {
      assert.equal((await asApp('GET', path)).statusCode, 404, path);
    }

    const again = await app.call('POST', `/hookline/apps/${registered.slug}/installations`, { body: { account: 'alice' } });
    assert.equal(again.statusCode, 422);
    const unknown = await app.call('POST', `/hookline/apps/${registered.slug}/installations`, { body: { account: 'nobody' } });
    assert.equal(unknown.statusCode, 422);
    const foreign = await app.call('POST', `/hookline/apps/${registered.slug}/installations`, { body: { account: 'bob', repositories: ['alice/one'] } });
    assert.equal(foreign.statusCode, 422, 'repositories must belong to the account');
    const aliceToken = await app.user('carol', ['repo']);
    const notAdmin = await app.call('POST', `/hookline/apps/${registered.slug}/installations`, { token: aliceToken, body: { account: 'bob' } });
    assert.equal(notAdmin.statusCode, 404);
  });

  it('mints 1-hour ghs_ tokens that list the installation repositories, then expire', async (t) => {
    const { app, clock, installation, asApp } = await installedRig(t, { repository_selection: 'all' });
    // @octokit/auth-app sends this POST with no body at all.
    const minted = await asApp('POST', `/app/installations/${installation.id}/access_tokens`);
    assert.equal(minted.statusCode, 201, minted.body);
    validateResponse('apps/create-installation-access-token', 201, minted.json());
    const { token, expires_at: expiresAt, repository_selection: selection, permissions } = minted.json();
    assert.match(token, /^ghs_[A-Za-z0-9]{36}$/);
    assert.equal(Date.parse(expiresAt) - clock.now().getTime(), 3600_000);
    assert.equal(selection, 'all');
    assert.deepEqual(permissions, { issues: 'write', metadata: 'read' });

    const repos = await app.call('GET', '/installation/repositories', { token });
    assert.equal(repos.statusCode, 200, repos.body);
    validateResponse('apps/list-repos-accessible-to-installation', 200, repos.json());
    assert.deepEqual(Object.keys(repos.json()), ['total_count', 'repositories', 'repository_selection']);
    assert.deepEqual(repos.json().repositories.map((r: any) => r.full_name), ['alice/one', 'alice/two']);
    const paged = await app.call('GET', '/installation/repositories?per_page=1', { token });
    assert.match(String(paged.headers.link), /rel="next"/);

    // The token is not a JWT: App routes refuse it the way GitHub does.
    const asToken = await app.call('GET', '/app/installations', { token });
    assert.equal(asToken.statusCode, 401);
    assert.equal(asToken.json().message, 'A JSON web token could not be decoded');

    clock.advance(3600_000);
    const expired = await app.call('GET', '/installation/repositories', { token });
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().message, 'Bad credentials');
  });

  it('narrows a token to named repositories and lesser permissions, and refuses more', async (t) => {
    const { app, installation, asApp } = await installedRig(t, { repository_selection: 'all' });
    const narrowed = await asApp('POST', `/app/installations/${installation.id}/access_tokens`, { repositories: ['two'], permissions: { issues: 'read' } });
    assert.equal(narrowed.statusCode, 201, narrowed.body);
    validateResponse('apps/create-installation-access-token', 201, narrowed.json());
    assert.equal(narrowed.json().repository_selection, 'selected');
    assert.deepEqual(narrowed.json().repositories.map((r: any) => r.name), ['two']);
    const repos = await app.call('GET', '/installation/repositories', { token: narrowed.json().token });
    assert.deepEqual(repos.json().repositories.map((r: any) => r.name), ['two']);

    for (const body of [{ repositories: ['nope'] }, { permissions: { contents: 'read' } }, { permissions: { issues: 'admin' } }]) {
      const res = await asApp('POST', `/app/installations/${installation.id}/access_tokens`, body);
      assert.equal(res.statusCode, 422, JSON.stringify(body));
    }
  });

  it('limits a selected installation to its repositories', async (t) => {
    const { app, installation, asApp } = await installedRig(t, { repository_selection: 'selected', repositories: ['alice/two'] });
    assert.equal((await asApp('GET', '/repos/alice/one/installation')).statusCode, 404, 'alice/one is not selected');
    assert.equal((await asApp('GET', '/repos/alice/two/installation')).json().id, installation.id);
    assert.equal(installation.repository_selection, 'selected');
    const minted = await asApp('POST', `/app/installations/${installation.id}/access_tokens`);
    assert.deepEqual(minted.json().repositories.map((r: any) => r.name), ['two']);
    const repos = await app.call('GET', '/installation/repositories', { token: minted.json().token });
    assert.deepEqual(repos.json().repositories.map((r: any) => r.name), ['two']);
    assert.equal(repos.json().repository_selection, 'selected');
    const outside = await asApp('POST', `/app/installations/${installation.id}/access_tokens`, { repositories: ['one'] });
    assert.equal(outside.statusCode, 422);
  });

  it('revokes a token, and uninstalling stops every token of the installation', async (t) => {
    const { app, installation, asApp } = await installedRig(t, { repository_selection: 'all' });
    const first = (await asApp('POST', `/app/installations/${installation.id}/access_tokens`)).json().token;
    const second = (await asApp('POST', `/app/installations/${installation.id}/access_tokens`)).json().token;
    const revoked = await app.call('DELETE', '/installation/token', { token: first });
    assert.equal(revoked.statusCode, 204);
    assert.equal((await app.call('GET', '/installation/repositories', { token: first })).statusCode, 401);
    assert.equal((await app.call('GET', '/installation/repositories', { token: second })).statusCode, 200);

    const removed = await asApp('DELETE', `/app/installations/${installation.id}`);
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal((await app.call('GET', '/installation/repositories', { token: second })).statusCode, 401);
    assert.equal((await asApp('GET', `/app/installations/${installation.id}`)).statusCode, 404);
  });
});
