// Compatibility: GitHub's read endpoints and repository creation through @octokit/rest, every body
// validated against GitHub's OpenAPI description, and who may see what.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Octokit } from '@octokit/rest';
import { validateResponse } from '../support/openapi.js';
import { requestError, startServer, type TestServer } from '../support/server.js';

describe('read endpoints through @octokit/rest', () => {
  let server: TestServer;
  let admin: Octokit;
  const tokens: Record<string, string> = {};

  async function user(login: string, scopes: string[]): Promise<Octokit> {
    await admin.request('POST /admin/users', { login, email: `${login}@example.com` }).catch(() => undefined);
    const auth = await admin.request('POST /admin/users/{username}/authorizations', { username: login, scopes });
    tokens[login] = (auth.data as { token: string }).token;
    return server.octokit(tokens[login]);
  }

  before(async () => {
    server = await startServer();
    admin = server.octokit(server.adminToken);
  });

  after(async () => {
    await server?.close();
  });

  it('creates repositories whose bodies are full-repository, and reads them back the same', async () => {
    const alice = await user('alice', ['repo', 'read:org']);
    await admin.request('POST /admin/organizations', { login: 'Acme', admin: 'alice', profile_name: 'Acme Inc' });

    const mine = await alice.rest.repos.createForAuthenticatedUser({ name: 'tools', description: 'my tools' });
    assert.equal(mine.status, 201);
    validateResponse('repos/create-for-authenticated-user', 201, mine.data);
    assert.equal(mine.data.full_name, 'alice/tools');
    assert.equal(mine.data.pushed_at, mine.data.created_at, 'GitHub counts the creation as the first push');
    assert.equal(mine.data.ssh_url, `git@${new URL(server.baseUrl).host}:alice/tools.git`);
    assert.equal(mine.data.organization, undefined);

    const theirs = await alice.rest.repos.createInOrg({ org: 'acme', name: 'secret', private: true });
    assert.equal(theirs.status, 201);
    validateResponse('repos/create-in-org', 201, theirs.data);
    assert.equal(theirs.data.organization?.login, 'Acme');
    assert.equal(theirs.data.visibility, 'private');

    const got = await alice.rest.repos.get({ owner: 'ALICE', repo: 'Tools' });
    validateResponse('repos/get', 200, got.data);
    assert.deepEqual(got.data, mine.data);
    const gotPrivate = await alice.rest.repos.get({ owner: 'acme', repo: 'secret' });
    validateResponse('repos/get', 200, gotPrivate.data);
    assert.deepEqual(gotPrivate.data, theirs.data);
  });

  it('GET /user is the caller as private-user, with its repository counts', async () => {
    const alice = server.octokit(tokens.alice);
    const res = await alice.rest.users.getAuthenticated();
    validateResponse('users/get-authenticated', 200, res.data);
    assert.equal(res.data.login, 'alice');
    assert.equal(res.data.email, 'alice@example.com');
    assert.equal(res.data.public_repos, 1);
    assert.equal((res.data as { owned_private_repos?: number }).owned_private_repos, 0);
    assert.equal(res.headers['x-oauth-scopes'], 'read:org, repo');
  });

  it('GET /orgs/{org} is organization-full and visible to any signed-in user', async () => {
    const bob = await user('bob', []);
    const res = await bob.rest.orgs.get({ org: 'ACME' });
    validateResponse('orgs/get', 200, res.data);
    assert.equal(res.data.login, 'Acme');
    assert.equal(res.data.name, 'Acme Inc');
    assert.equal(res.data.public_repos, 0, 'its one repository is private');
    assert.equal((await requestError(() => bob.rest.orgs.get({ org: 'alice' }))).status, 404, 'a user is not an organization');
    assert.equal((await requestError(() => bob.rest.orgs.get({ org: 'nobody' }))).status, 404);
  });

  it('a private repository is 404 without access or without the repo scope; public ones are readable', async () => {
    const bob = server.octokit(tokens.bob);
    assert.equal((await requestError(() => bob.rest.repos.get({ owner: 'acme', repo: 'secret' }))).status, 404);
    validateResponse('repos/get', 200, (await bob.rest.repos.get({ owner: 'alice', repo: 'tools' })).data);

    await admin.request('PUT /orgs/{org}/memberships/{username}', { org: 'acme', username: 'bob', role: 'member' });
    assert.equal(
      (await requestError(() => bob.rest.repos.get({ owner: 'acme', repo: 'secret' }))).status, 404,
      'a member whose token lacks repo still cannot see private repositories',
    );
    const scoped = await user('bob', ['repo']);
    validateResponse('repos/get', 200, (await scoped.rest.repos.get({ owner: 'acme', repo: 'secret' })).data);
  });

  it('GET /user/repos lists owned, collaborated and organization repositories by full name, and paginates', async () => {
    const carol = await user('carol', ['repo']);
    await carol.rest.repos.createForAuthenticatedUser({ name: 'zeta' });
    await carol.rest.repos.createForAuthenticatedUser({ name: 'Alpha', private: true });
    const alice = server.octokit(tokens.alice);
    await alice.rest.repos.addCollaborator({ owner: 'alice', repo: 'tools', username: 'carol', permission: 'pull' });
    await admin.request('PUT /orgs/{org}/memberships/{username}', { org: 'acme', username: 'carol', role: 'member' });

    const all = await carol.rest.repos.listForAuthenticatedUser();
    validateResponse('repos/list-for-authenticated-user', 200, all.data);
    assert.deepEqual(all.data.map((r) => r.full_name), ['Acme/secret', 'alice/tools', 'carol/Alpha', 'carol/zeta']);

    const first = await carol.rest.repos.listForAuthenticatedUser({ per_page: 3 });
    assert.equal(first.data.length, 3);
    assert.match(first.headers.link ?? '', /[?&]page=2[^>]*>; rel="next"/);
    const paged = await carol.paginate(carol.rest.repos.listForAuthenticatedUser, { per_page: 3 });
    assert.deepEqual(paged.map((r) => r.full_name), all.data.map((r) => r.full_name));

    const publicOnly = await user('carol', ['read:org']);
    const listed = await publicOnly.rest.repos.listForAuthenticatedUser();
    validateResponse('repos/list-for-authenticated-user', 200, listed.data);
    assert.deepEqual(listed.data.map((r) => r.full_name), ['alice/tools', 'carol/zeta'], 'without repo: public repositories only');
  });

  it('GET /user/orgs lists the caller\'s organizations as organization-simple', async () => {
    const carol = server.octokit(tokens.carol);
    const res = await carol.rest.orgs.listForAuthenticatedUser();
    validateResponse('orgs/list-for-authenticated-user', 200, res.data);
    assert.deepEqual(res.data.map((o) => o.login), ['Acme']);
    const none = await (await user('dave', [])).rest.orgs.listForAuthenticatedUser();
    assert.deepEqual(none.data, []);
  });

  it('the API root (GET /api/v3/) is GitHub\'s root, and reports a token\'s scopes as gh auth status reads them', async () => {
    const alice = server.octokit(tokens.alice);
    const res = await alice.request('GET /');
    validateResponse('meta/root', 200, res.data);
    assert.equal(res.data.current_user_url, `${server.baseUrl}/api/v3/user`);
    assert.equal(res.headers['x-oauth-scopes'], 'read:org, repo');
    const anonymous = await fetch(`${server.baseUrl}/api/v3/`);
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.headers.get('x-oauth-scopes'), null);
    const bad = await fetch(`${server.baseUrl}/api/v3/`, { headers: { authorization: 'token wrong' } });
    assert.equal(bad.status, 401);
  });

  it('GraphQL at /api/graphql answers `viewer { login }` and nothing else', async () => {
    const alice = server.octokit(tokens.alice);
    assert.deepEqual(await alice.graphql('query UserCurrent{viewer{login}}'), { viewer: { login: 'alice' } });
    await assert.rejects(alice.graphql('{ viewer { login email } }'), (err: Error) => {
      assert.equal(err.name, 'GraphqlResponseError');
      assert.match(err.message, /viewer \{ login \}/);
      return true;
    });
    const anonymous = await fetch(`${server.baseUrl}/api/graphql`, { method: 'POST', body: JSON.stringify({ query: '{viewer{login}}' }) });
    assert.equal(anonymous.status, 401);
  });
});
