// The signer: the same digests whether a batch is signed on the event loop or on the thread, the
// event loop free while a large body is hashed, and nobody left waiting when it closes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign } from '../../src/domain/signature.js';
import { Signer } from '../../src/delivery/signer.js';

const small = Buffer.from(JSON.stringify({ zen: 'naïve café — 日本語 🚀', n: 1 }), 'utf8');
const other = Buffer.from('payload=%7B%22a%22%3A1%7D', 'utf8');
const secrets = ["It's a Secret to Everybody", 'ключ', 's3cr3t'];

test('a batch sent to the thread gets exactly the digests signed on the event loop, each for its own body and secret', async (t) => {
  const threaded = new Signer({ inlineMaxBytes: 0 });
  const inline = new Signer({ inlineMaxBytes: Infinity });
  t.after(() => threaded.close());
  const requests = [...secrets.map((s) => [small, s] as const), ...secrets.map((s) => [other, s] as const)];
  // Made in one synchronous run: one batch, two distinct bodies.
  const fromThread = await Promise.all(requests.map(([body, secret]) => threaded.sign(body, secret)));
  const fromLoop = await Promise.all(requests.map(([body, secret]) => inline.sign(body, secret)));
  assert.deepEqual(fromThread, requests.map(([body, secret]) => sign(body, secret)));
  assert.deepEqual(fromLoop, fromThread);
  assert.notEqual(fromThread[0].sha256, fromThread[3].sha256);
});

test('a large body is hashed off the event loop: other work runs before its signatures arrive', async (t) => {
  const signer = new Signer(); // the default threshold: 8 MB is far above it
  t.after(() => signer.close());
  const big = Buffer.alloc(8 * 1024 * 1024, 'x');
  let turned = false;
  setImmediate(() => (turned = true));
  const signatures = await signer.sign(big, secrets[0]);
  assert.equal(turned, true, 'the event loop turned while the body was hashed');
  assert.deepEqual(signatures, sign(big, secrets[0]));
});

test('a small batch is signed on the event loop, before the loop turns', async () => {
  const signer = new Signer();
  let turned = false;
  setImmediate(() => (turned = true));
  const signatures = await signer.sign(small, secrets[1]);
  assert.equal(turned, false);
  assert.deepEqual(signatures, sign(small, secrets[1]));
});

test('closing while the thread is still hashing answers every caller, signed on the event loop', async () => {
  const signer = new Signer({ inlineMaxBytes: 0 });
  const big = Buffer.alloc(8 * 1024 * 1024, 'y');
  const pending = secrets.map((s) => signer.sign(big, s));
  await new Promise((r) => setImmediate(r)); // the batch is with the thread now
  await signer.close();
  assert.deepEqual(await Promise.all(pending), secrets.map((s) => sign(big, s)));
  // A signer used after closing starts a thread again.
  assert.deepEqual(await signer.sign(small, secrets[2]), sign(small, secrets[2]));
  await signer.close();
});
