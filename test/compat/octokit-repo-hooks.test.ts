// Compatibility: a listening Hookline driven by @octokit/rest through the GHES base URL, every
// repository webhook method (R1–R7), and every response body checked against GitHub's OpenAPI description.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Octokit } from '@octokit/rest';
import { validateResponse, validateSchema } from '../support/openapi.js';
import { requestError, startServer, type TestServer } from '../support/server.js';

const OWNER = 'octo-compat';
const REPO = 'Hello-World';

describe('repository webhooks through @octokit/rest', () => {
  let server: TestServer;
  let octokit: Octokit;
  const repo = { owner: OWNER, repo: REPO };

  before(async () => {
    server = await startServer();
    const admin = server.octokit(server.adminToken);
    await admin.request('POST /admin/users', { login: OWNER, email: `${OWNER}@example.com` });
    const auth = await admin.request('POST /admin/users/{username}/authorizations', { username: OWNER, scopes: ['repo'] });
    octokit = server.octokit((auth.data as { token: string }).token);
    await octokit.rest.repos.createForAuthenticatedUser({ name: REPO });
  });

  after(async () => {
    await server?.close();
  });

  it('creates, reads, updates and deletes a hook (R1–R7), each body valid against the spec', async () => {
    // R2 create
    const created = await octokit.rest.repos.createWebhook({
      ...repo,
      name: 'web',
      events: ['push', 'pull_request'],
      config: { url: 'https://example.com/webhook', content_type: 'json', secret: 'shh', insecure_ssl: '0' },
    });
    assert.equal(created.status, 201);
    validateResponse('repos/create-webhook', 201, created.data);
    const hook = created.data;
    assert.equal(created.headers.location, hook.url);
    assert.equal(hook.url, `${server.baseUrl}/repos/${OWNER}/${REPO}/hooks/${hook.id}`);
    assert.equal(hook.test_url, `${hook.url}/test`);
    assert.equal(hook.ping_url, `${hook.url}/pings`);
    assert.equal(hook.deliveries_url, `${hook.url}/deliveries`);
    assert.equal(hook.type, 'Repository');
    assert.equal(hook.active, true);
    assert.deepEqual([...hook.events].sort(), ['pull_request', 'push']);
    assert.deepEqual(hook.config, { content_type: 'json', insecure_ssl: '0', secret: '********', url: 'https://example.com/webhook' });
    assert.deepEqual(hook.last_response, { code: null, status: 'unused', message: null });
    assert.ok(created.headers['x-github-request-id']);
    const hook_id = hook.id;

    // R1 list
    const listed = await octokit.rest.repos.listWebhooks(repo);
    assert.equal(listed.status, 200);
    validateResponse('repos/list-webhooks', 200, listed.data);
    assert.deepEqual(listed.data, [hook]);
    const anyCase = await octokit.rest.repos.listWebhooks({ owner: OWNER.toUpperCase(), repo: REPO.toLowerCase() });
    validateResponse('repos/list-webhooks', 200, anyCase.data);
    assert.deepEqual(anyCase.data, [hook], 'owner and repo names are case-insensitive, answered in canonical casing');

    // R3 get, also by following the hook's own `url`
    const got = await octokit.rest.repos.getWebhook({ ...repo, hook_id });
    validateResponse('repos/get-webhook', 200, got.data);
    assert.deepEqual(got.data, hook);
    const followed = await octokit.request(`GET ${hook.url}`);
    validateResponse('repos/get-webhook', 200, followed.data);
    assert.deepEqual(followed.data, hook);

    // R4 update with add_events / remove_events and active
    const events = await octokit.rest.repos.updateWebhook({
      ...repo, hook_id, add_events: ['issues'], remove_events: ['pull_request'], active: false,
    });
    assert.equal(events.status, 200);
    validateResponse('repos/update-webhook', 200, events.data);
    assert.deepEqual([...events.data.events].sort(), ['issues', 'push']);
    assert.equal(events.data.active, false);
    assert.deepEqual(events.data.config, hook.config, 'a PATCH without config keeps the config');

    // R4 update with config: it replaces the whole config, so the omitted secret is removed
    const replaced = await octokit.rest.repos.updateWebhook({
      ...repo, hook_id, config: { url: 'https://example.com/other', content_type: 'form' },
    });
    validateResponse('repos/update-webhook', 200, replaced.data);
    assert.deepEqual(replaced.data.config, { content_type: 'form', insecure_ssl: '0', url: 'https://example.com/other' });
    assert.deepEqual([...replaced.data.events].sort(), ['issues', 'push']);

    // R6 get config
    const config = await octokit.rest.repos.getWebhookConfigForRepo({ ...repo, hook_id });
    assert.equal(config.status, 200);
    validateResponse('repos/get-webhook-config-for-repo', 200, config.data);
    assert.deepEqual(config.data, replaced.data.config);

    // R7 update config: merges; insecure_ssl given as a number comes back as a string
    const merged = await octokit.rest.repos.updateWebhookConfigForRepo({ ...repo, hook_id, secret: 'new', insecure_ssl: 1 });
    assert.equal(merged.status, 200);
    validateResponse('repos/update-webhook-config-for-repo', 200, merged.data);
    assert.deepEqual(merged.data, { content_type: 'form', insecure_ssl: '1', secret: '********', url: 'https://example.com/other' });
    const reread = await octokit.rest.repos.getWebhook({ ...repo, hook_id });
    validateResponse('repos/get-webhook', 200, reread.data);
    assert.deepEqual(reread.data.config, merged.data);

    // R5 delete, then the hook is gone
    const deleted = await octokit.rest.repos.deleteWebhook({ ...repo, hook_id });
    assert.equal(deleted.status, 204);
    validateResponse('repos/delete-webhook', 204, deleted.data);
    const gone = await requestError(() => octokit.rest.repos.getWebhook({ ...repo, hook_id }));
    assert.equal(gone.status, 404);
    validateResponse('repos/get-webhook', 404, gone.response?.data);
    const listedAfter = await octokit.rest.repos.listWebhooks(repo);
    validateResponse('repos/list-webhooks', 200, listedAfter.data);
    assert.deepEqual(listedAfter.data, []);
  });

  it('octokit.paginate follows the Link header through every page, in order', async () => {
    const name = 'paginated';
    await octokit.rest.repos.createForAuthenticatedUser({ name });
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await octokit.rest.repos.createWebhook({ owner: OWNER, repo: name, config: { url: `https://example.com/hook/${i}` } });
      validateResponse('repos/create-webhook', 201, res.data);
      ids.push(res.data.id);
    }

    const all = await octokit.paginate(octokit.rest.repos.listWebhooks, { owner: OWNER, repo: name, per_page: 2 });
    assert.deepEqual(all.map((h) => h.id), ids);
    assert.deepEqual(all.map((h) => h.config.url), ids.map((_, i) => `https://example.com/hook/${i}`));

    const pages: number[][] = [];
    for await (const page of octokit.paginate.iterator(octokit.rest.repos.listWebhooks, { owner: OWNER, repo: name, per_page: 2 })) {
      assert.equal(page.status, 200);
      validateResponse('repos/list-webhooks', 200, page.data);
      const link = page.headers.link ?? '';
      for (const [, target] of link.matchAll(/<([^>]+)>/g)) assert.ok(target.startsWith(`${server.baseUrl}/api/v3/`), target);
      pages.push(page.data.map((h) => h.id));
    }
    assert.deepEqual(pages, [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4, 6), ids.slice(6)]);
  });

  it('a missing repository or hook is an Octokit RequestError with status 404 and a basic-error body', async () => {
    const noRepo = await requestError(() => octokit.rest.repos.listWebhooks({ owner: OWNER, repo: 'no-such-repo' }));
    assert.equal(noRepo.status, 404);
    validateResponse('repos/list-webhooks', 404, noRepo.response?.data);
    assert.equal((noRepo.response?.data as { message: string }).message, 'Not Found');

    const noHook = await requestError(() => octokit.rest.repos.updateWebhook({ ...repo, hook_id: 999999, active: true }));
    assert.equal(noHook.status, 404);
    validateResponse('repos/update-webhook', 404, noHook.response?.data);

    const noDelete = await requestError(() => octokit.rest.repos.deleteWebhook({ ...repo, hook_id: 999999 }));
    assert.equal(noDelete.status, 404);
    validateResponse('repos/delete-webhook', 404, noDelete.response?.data);

    // The spec declares no error responses for R6/R7; GitHub answers them with a basic-error 404 too.
    for (const call of [
      () => octokit.rest.repos.getWebhookConfigForRepo({ ...repo, hook_id: 999999 }),
      () => octokit.rest.repos.updateWebhookConfigForRepo({ ...repo, hook_id: 999999, content_type: 'json' }),
    ]) {
      const noConfig = await requestError(call);
      assert.equal(noConfig.status, 404);
      validateSchema('basic-error', noConfig.response?.data);
    }
  });

  it('a validation failure is an Octokit RequestError with status 422 and GitHub\'s error shape', async () => {
    const invalid = await requestError(() =>
      octokit.rest.repos.createWebhook({ ...repo, events: ['not_an_event'], config: { url: 'https://example.com/x' } }),
    );
    assert.equal(invalid.status, 422);
    validateResponse('repos/create-webhook', 422, invalid.response?.data);
    const body = invalid.response?.data as { message: string; errors: Array<Record<string, unknown>>; documentation_url: string; status: string };
    assert.equal(body.message, 'Validation Failed');
    assert.equal(body.status, '422');
    assert.match(body.documentation_url, /^https:\/\/docs\.github\.com\/rest\/repos\/webhooks#create-a-repository-webhook$/);
    assert.deepEqual(body.errors, [{ resource: 'Hook', code: 'invalid', field: 'events', message: '"not_an_event" is not a valid event name' }]);
    // Octokit puts the server's message and errors into the RequestError's own message.
    assert.match(invalid.message, /Validation Failed/);

    const created = await octokit.rest.repos.createWebhook({ ...repo, config: { url: 'https://example.com/dup' } });
    validateResponse('repos/create-webhook', 201, created.data);
    const duplicate = await requestError(() => octokit.rest.repos.createWebhook({ ...repo, config: { url: 'https://example.com/dup' } }));
    assert.equal(duplicate.status, 422);
    validateResponse('repos/create-webhook', 422, duplicate.response?.data);
    assert.deepEqual((duplicate.response?.data as typeof body).errors, [
      { resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' },
    ]);

    const badUpdate = await requestError(() =>
      octokit.rest.repos.updateWebhook({ ...repo, hook_id: created.data.id, config: { url: 'not a url' } }),
    );
    assert.equal(badUpdate.status, 422);
    validateResponse('repos/update-webhook', 422, badUpdate.response?.data);

    // Bad input changed nothing.
    const unchanged = await octokit.rest.repos.getWebhook({ ...repo, hook_id: created.data.id });
    validateResponse('repos/get-webhook', 200, unchanged.data);
    assert.deepEqual(unchanged.data, created.data);
  });
});
