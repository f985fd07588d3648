// A manifest code keeps only the manifest fields Hookline reads: unknown keys are accepted (as GitHub
// accepts them) but not stored, so a code cannot carry up to a whole request body into the database.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFor } from '../support/hooks.js';

test('unknown manifest keys are not stored with the code; the code still converts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { app } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' }, { databaseUrl: `sqlite:${join(dir, 'x.db')}` });
  const junk = 'JUNK'.repeat(50_000);
  const manifest = {
    name: 'Kept Bot', url: 'https://example.com/kept', version: 'v1', junk,
    hook_attributes: { url: 'http://127.0.0.1:9/kept', active: false, extra: junk }, default_events: ['issues'],
    default_permissions: { issues: 'read' },
  };
  const kept = await app.call('POST', '/hookline/app-manifests', { body: { manifest } });
  assert.equal(kept.statusCode, 201, kept.body.slice(0, 300));
  const unused = await app.call('POST', '/hookline/app-manifests', { body: { manifest: { ...manifest, name: 'Unused Bot' } } });
  assert.equal(unused.statusCode, 201);

  const converted = await app.call('POST', `/app-manifests/${kept.json().code}/conversions`, { token: null });
  assert.equal(converted.statusCode, 201, converted.body.slice(0, 300));
  assert.equal(converted.json().name, 'Kept Bot');
  assert.equal(converted.json().external_url, 'https://example.com/kept');
  assert.deepEqual(converted.json().events, ['issues']);
  await app.close();

  const files = readdirSync(dir).map((file) => ({ file, bytes: readFileSync(join(dir, file)) }));
  assert.ok(files.some(({ bytes }) => bytes.includes('Unused Bot')), 'the unused code is stored');
  for (const { file, bytes } of files) assert.equal(bytes.includes('JUNKJUNKJUNK'), false, `unknown keys stored in ${file}`);
});
