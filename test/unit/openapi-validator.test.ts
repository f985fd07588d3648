// The OpenAPI validator the compatibility tests rely on: it must reject what GitHub's schemas reject,
// otherwise a passing compatibility test proves nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { schemaFor, specPath, validateResponse, validateSchema } from '../support/openapi.js';

/** GitHub's own example of a repository hook, from the spec (components/examples/hook). */
const specExample = JSON.parse(readFileSync(specPath(), 'utf8')).components.examples.hook.value as Record<string, unknown>;

const hook = () => ({
  type: 'Repository',
  id: 1,
  name: 'web',
  active: true,
  events: ['push'],
  config: { content_type: 'json', insecure_ssl: '0', secret: '********', url: 'https://example.com/webhook' },
  updated_at: '2024-05-01T10:00:00Z',
  created_at: '2024-05-01T10:00:00Z',
  url: 'http://127.0.0.1:3000/repos/octo/r/hooks/1',
  test_url: 'http://127.0.0.1:3000/repos/octo/r/hooks/1/test',
  ping_url: 'http://127.0.0.1:3000/repos/octo/r/hooks/1/pings',
  deliveries_url: 'http://127.0.0.1:3000/repos/octo/r/hooks/1/deliveries',
  last_response: { code: null as number | null, status: 'unused', message: null as string | null },
});

/** Asserts that validation fails and that the message names `mentions`. */
function rejects(run: () => void, mentions: RegExp): void {
  assert.throws(run, (err: Error) => {
    assert.equal(err.name, 'AssertionError');
    assert.match(err.message, /does not match GitHub's OpenAPI schema/);
    assert.match(err.message, mentions);
    return true;
  });
}

describe('OpenAPI response validator', () => {
  it('accepts GitHub\'s own example and a well-formed hook', () => {
    validateResponse('repos/get-webhook', 200, specExample);
    validateResponse('repos/get-webhook', 200, hook());
    validateResponse('repos/list-webhooks', 200, [hook(), specExample]);
    validateResponse('repos/create-webhook', 201, hook());
    validateSchema('hook', hook());
    assert.equal(schemaFor('hook')(hook()), true);
  });

  it('rejects a hook missing a required field', () => {
    const { test_url: _omitted, ...withoutTestUrl } = hook();
    rejects(() => validateResponse('repos/get-webhook', 200, withoutTestUrl), /must have required property 'test_url'/);
    const { last_response: _gone, ...withoutLastResponse } = hook();
    rejects(() => validateSchema('hook', withoutLastResponse), /'last_response'/);
    // ...also inside an array, with the item's path in the message
    rejects(() => validateResponse('repos/list-webhooks', 200, [hook(), withoutTestUrl]), /\/1 must have required property 'test_url'/);
  });

  it('rejects wrong types, including inside $ref\'d schemas', () => {
    rejects(() => validateResponse('repos/get-webhook', 200, { ...hook(), config: { ...hook().config, insecure_ssl: true } }), /\/config\/insecure_ssl/);
    rejects(() => validateResponse('repos/get-webhook', 200, { ...hook(), id: '1' }), /\/id must be integer/);
    rejects(() => validateResponse('repos/get-webhook', 200, { ...hook(), active: 'true' }), /\/active must be boolean/);
    rejects(() => validateResponse('repos/get-webhook-config-for-repo', 200, { url: 42 }), /\/url must be string/);
    rejects(() => validateResponse('repos/list-webhooks', 200, hook()), /must be array/);
  });

  it('checks formats (uri, date-time)', () => {
    rejects(() => validateSchema('hook', { ...hook(), url: 'not a uri' }), /\/url must match format "uri"/);
    rejects(() => validateSchema('hook', { ...hook(), created_at: '2024-05-01 10:00' }), /\/created_at must match format "date-time"/);
  });

  it('understands OpenAPI 3.0 nullable', () => {
    // hook-response: code, status and message are required but nullable
    validateSchema('hook-response', { code: null, status: null, message: null });
    validateSchema('hook-response', { code: 200, status: 'active', message: 'OK' });
    rejects(() => validateSchema('hook-response', { code: '200', status: 'active', message: 'OK' }), /\/code must be integer,null/);
    rejects(() => validateSchema('hook-response', { status: 'active', message: 'OK' }), /required property 'code'/);
    // a non-nullable field still refuses null
    rejects(() => validateSchema('hook', { ...hook(), name: null }), /\/name must be string/);
    // null in a oneOf whose branches are all nullable (validation-error's `value`) matches once
    validateResponse('repos/create-webhook', 422, {
      message: 'Validation Failed',
      errors: [{ resource: 'Hook', code: 'custom', value: null }],
      documentation_url: 'https://docs.github.com/rest',
      status: '422',
    });
  });

  it('validates error bodies and empty bodies by status', () => {
    validateResponse('repos/get-webhook', 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    rejects(() => validateResponse('repos/get-webhook', 404, { message: 404 }), /\/message must be string/);
    rejects(() => validateResponse('repos/create-webhook', 422, { message: 'Validation Failed' }), /required property 'documentation_url'/);
    validateResponse('repos/delete-webhook', 204, undefined);
    validateResponse('repos/delete-webhook', 204, '');
    rejects(() => validateResponse('repos/delete-webhook', 204, { deleted: true }), /must be equal to constant/);
  });

  it('refuses statuses and operations the spec does not document', () => {
    assert.throws(() => validateResponse('repos/get-webhook', 201, hook()), /does not document status 201/);
    assert.throws(() => validateResponse('repos/no-such-operation', 200, {}), /not in/);
    assert.throws(() => schemaFor('no-such-schema'), /not in/);
  });

  it('knows the other hook schemas (org-hook, webhook-config, deliveries)', () => {
    const { test_url: _t, last_response: _l, ...orgHook } = { ...hook(), type: 'Organization' };
    validateSchema('org-hook', orgHook);
    validateResponse('orgs/get-webhook', 200, orgHook);
    rejects(() => validateSchema('org-hook', { ...orgHook, config: { insecure_ssl: 0 } }), /\/config\/insecure_ssl must be string/);
    validateSchema('webhook-config', { content_type: 'form', insecure_ssl: '1', url: 'https://example.com/' });
    const item = {
      id: 1, guid: '0b989ba4-242f-11e5-81e1-c7b6966d2516', delivered_at: '2024-05-01T10:00:00Z', redelivery: false,
      duration: 0.03, status: 'OK', status_code: 200, event: 'push', action: null, installation_id: null, repository_id: 7,
    };
    validateResponse('repos/list-webhook-deliveries', 200, [item]);
    const { action: _a, ...withoutAction } = item;
    rejects(() => validateSchema('hook-delivery-item', withoutAction), /required property 'action'/);
  });
});
