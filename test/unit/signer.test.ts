// The signer: the same digests as the reference HMAC whatever the body's size, a large body hashed off
// the event loop (timers run while it is hashed) and a small one on it, and nothing left behind that
// keeps the process alive.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sign, type Signatures } from '../../src/domain/signature.js';
import { INLINE_MAX_BYTES, signBody } from '../../src/delivery/signer.js';

const small = Buffer.from(JSON.stringify({ zen: 'naïve café — 日本語 🚀', n: 1 }), 'utf8');
const other = Buffer.from('payload=%7B%22a%22%3A1%7D', 'utf8');
const big = Buffer.alloc(8 * 1024 * 1024, 'x');
const secrets = ["It's a Secret to Everybody", 'ключ', 's3cr3t'];
const tenSecrets = Array.from({ length: 10 }, (_, i) => `secret-${i}`);

/** GitHub's headers computed here, independently of the code under test. */
const reference = (body: Buffer, secret: string): Signatures => ({
  sha1: `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  sha256: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
});

/** Signs, and tells whether a timer set before signing fired before the signatures came. */
async function signWatchingLoop(requests: Array<readonly [Buffer, string]>) {
  let fired = false;
  const timer = setTimeout(() => (fired = true), 0);
  const signatures = await Promise.all(requests.map(([body, secret]) => signBody(body, secret)));
  const offLoop = fired;
  clearTimeout(timer);
  return { signatures, offLoop };
}

test('small and large bodies get exactly the reference digests, each for its own body and secret', async () => {
  const requests = [...secrets.map((s) => [small, s] as const), ...secrets.map((s) => [other, s] as const), ...secrets.map((s) => [big, s] as const)];
  const { signatures } = await signWatchingLoop(requests);
  assert.deepEqual(signatures, requests.map(([body, secret]) => reference(body, secret)));
  assert.deepEqual(signatures, requests.map(([body, secret]) => sign(body, secret)));
  assert.notEqual(signatures[0].sha256, signatures[3].sha256);
  assert.notEqual(signatures[0].sha256, signatures[1].sha256);
});

test('a large body fanned out under many secrets is hashed off the event loop; a body below the threshold on it', async () => {
  const large = await signWatchingLoop(tenSecrets.map((s) => [big, s] as const));
  assert.equal(large.offLoop, true, 'a timer fired while 10 × 8 MB were hashed');
  assert.deepEqual(large.signatures, tenSecrets.map((s) => reference(big, s)));

  const edge = Buffer.alloc(INLINE_MAX_BYTES, 'y');
  const atThreshold = await signWatchingLoop([[edge, secrets[0]]]);
  assert.equal(atThreshold.offLoop, true, `${INLINE_MAX_BYTES} bytes are hashed off the event loop`);
  assert.deepEqual(atThreshold.signatures, [reference(edge, secrets[0])]);

  const below = edge.subarray(1);
  const ordinary = await signWatchingLoop([[below, secrets[1]], [small, secrets[1]]]);
  assert.equal(ordinary.offLoop, false, 'signed on the event loop, before any timer');
  assert.deepEqual(ordinary.signatures, [reference(below, secrets[1]), reference(small, secrets[1])]);
});

test('an empty secret signs a large body too', async () => {
  assert.deepEqual(await signBody(big, ''), reference(big, ''));
});

test('nothing is left keeping the process alive once a large body is signed', () => {
  const signerUrl = new URL('../../src/delivery/signer.ts', import.meta.url).href;
  const script = `
    import { signBody } from ${JSON.stringify(signerUrl)};
    const s = await signBody(Buffer.alloc(${INLINE_MAX_BYTES}, 'b'), 'secret');
    console.log(s.sha256);
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(child.signal, null, 'exited on its own, not killed at the timeout');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), reference(Buffer.alloc(INLINE_MAX_BYTES, 'b'), 'secret').sha256);
});
