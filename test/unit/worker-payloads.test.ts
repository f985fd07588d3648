// A payload that came with the claim is sent as is; the store is asked only for the ones that did not;
// an event's body is encoded once for all its hooks with the same content type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import type { PreparedRequest } from '../../src/delivery/prepare.js';
import type { Sender } from '../../src/delivery/send.js';
import type { HookRecord } from '../../src/domain/model.js';
import type { ClaimedDelivery } from '../../src/storage/delivery-store.js';
import type { Store } from '../../src/storage/store.js';

const hook = (id: number): HookRecord => ({
  id, owner: { type: 'repository', id: 1 }, name: 'web', active: true, events: ['push'],
  config: { url: `https://receiver.example/${id}`, contentType: 'json', insecureSsl: '0', secret: null, username: null, password: null },
  lastResponse: { code: null, status: 'unused', message: null }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
});

test('payloads carried by the claim are not loaded again; the others are', async () => {
  const due: ClaimedDelivery[] = [
    { id: 1, guid: 'g1', event: 'push', action: null, redelivery: false, kind: 'first', attempt: 1, retryIndex: 0, eventId: 10, hook: hook(1), payload: '{"carried":true}' },
    { id: 2, guid: 'g1', event: 'push', action: null, redelivery: false, kind: 'first', attempt: 1, retryIndex: 0, eventId: 10, hook: hook(2) },
    { id: 3, guid: 'g2', event: 'push', action: null, redelivery: false, kind: 'first', attempt: 1, retryIndex: 0, eventId: 20, hook: hook(1) },
  ];
  const loaded: number[][] = [];
  const store = {
    async claimDue() {
      return due.splice(0);
    },
    async loadPayloads(ids: number[]) {
      loaded.push(ids);
      return new Map(ids.map((id) => [id, `{"loaded":${id}}`]));
    },
    async completeDelivery() {
      return true;
    },
    async nextDueAt() {
      return due.length > 0 ? 0 : null;
    },
    async releaseClaims() {
      return 0;
    },
  } as unknown as Store;
  const bodies = new Map<string, string>();
  const buffers = new Map<string, Buffer>();
  const sender: Sender = {
    async send(req: PreparedRequest) {
      bodies.set(`${req.headers['X-GitHub-Delivery']} ${req.url}`, req.body.toString('utf8'));
      buffers.set(`${req.headers['X-GitHub-Delivery']} ${req.url}`, req.body);
      return { status: 'OK', statusCode: 200, duration: 0.01, responseHeaders: {}, responseBody: 'ok' };
    },
    async close() {},
  };
  const worker = new DeliveryWorker({
    store, sender, clock: { now: () => new Date() }, concurrency: 4, perHook: 4, leaseMs: 60_000, pollMs: 20,
    secretsOf: () => ({ secret: null, username: null, password: null }),
  });
  worker.start();
  try {
    await worker.idle();
  } finally {
    await worker.stop();
  }
  assert.deepEqual(loaded, [[20]], 'only the event whose payload did not come with the claim');
  assert.deepEqual(Object.fromEntries(bodies), {
    'g1 https://receiver.example/1': '{"carried":true}',
    'g1 https://receiver.example/2': '{"carried":true}',
    'g2 https://receiver.example/1': '{"loaded":20}',
  });
  // One Buffer, not one per hook: encoded once within the claim.
  assert.equal(buffers.get('g1 https://receiver.example/1'), buffers.get('g1 https://receiver.example/2'));
});
