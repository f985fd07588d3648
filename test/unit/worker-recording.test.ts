// The worker frees a slot when the receiver answers and records the outcome after; while recording is
// stuck (a slow or unreachable database) it must stop claiming rather than lease ever more deliveries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Sender } from '../../src/delivery/send.js';
import type { HookRecord } from '../../src/domain/model.js';
import type { ClaimedDelivery } from '../../src/storage/delivery-store.js';
import type { Store } from '../../src/storage/store.js';

const hook: HookRecord = {
  id: 1, owner: { type: 'repository', id: 1 }, name: 'web', active: true, events: ['push'],
  config: { url: 'https://receiver.example/', contentType: 'json', insecureSsl: '0', secret: null, username: null, password: null },
  lastResponse: { code: null, status: 'unused', message: null }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};

/** A queue of `total` due deliveries whose outcomes are recorded only when `release()` is called. */
function stuckStore(total: number) {
  const due = Array.from({ length: total }, (_, i): ClaimedDelivery => ({
    id: i + 1, guid: `g${i}`, event: 'push', action: null, redelivery: false, kind: 'first', attempt: 1, retryIndex: 0, eventId: 1, hook,
  }));
  const waiting: Array<() => void> = [];
  let recordingHeld = true;
  const store = {
    async claimDue({ limit }: { limit: number }) {
      return due.splice(0, limit);
    },
    async loadPayloads() {
      return new Map([[1, '{}']]);
    },
    completeDelivery() {
      return new Promise<boolean>((resolve) => {
        if (!recordingHeld) return resolve(true);
        waiting.push(() => resolve(true));
      });
    },
    async nextDueAt() {
      return due.length > 0 ? 0 : null;
    },
    async releaseClaims() {
      return 0;
    },
  };
  return {
    store: store as unknown as Store,
    left: () => due.length,
    release() {
      recordingHeld = false;
      for (const done of waiting.splice(0)) done();
    },
  };
}

test('with outcomes unrecorded, the worker stops claiming at about twice its concurrency', async () => {
  const queue = stuckStore(20);
  let sent = 0;
  const sender: Sender = {
    async send() {
      sent++;
      return { status: 'OK', statusCode: 200, duration: 0.01, responseHeaders: {}, responseBody: 'ok' };
    },
    async close() {},
  };
  const worker = new DeliveryWorker({
    store: queue.store, sender, clock: { now: () => new Date() }, concurrency: 2, perHook: 10, leaseMs: 60_000, pollMs: 20,
    secretsOf: () => ({ secret: null, username: null, password: null }),
  });
  worker.start();
  try {
    for (let waited = 0; sent < 3 && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    // Then a while in which nothing can be recorded: the worker may not go on claiming (it polls every
    // 20 ms, so it has had several chances). Two in flight at most, and claiming pauses once more than
    // two outcomes wait to be recorded.
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(sent >= 3 && sent <= 5, `sent ${sent} while nothing could be recorded`);
    assert.ok(queue.left() >= 15, `${queue.left()} deliveries left unclaimed`);
    queue.release();
    await worker.idle();
    assert.equal(sent, 20);
    assert.equal(queue.left(), 0);
  } finally {
    queue.release();
    await worker.stop();
  }
});
