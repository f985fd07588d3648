// The signer: the same digests whether a batch is signed on the event loop or on the thread, the
// event loop free while a large body is hashed, nobody left waiting when it closes or its thread
// fails, and an idle thread never keeping the process alive.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sign } from '../../src/domain/signature.js';
import { Signer } from '../../src/delivery/signer.js';

const small = Buffer.from(JSON.stringify({ zen: 'naïve café — 日本語 🚀', n: 1 }), 'utf8');
const other = Buffer.from('payload=%7B%22a%22%3A1%7D', 'utf8');
const big = Buffer.alloc(8 * 1024 * 1024, 'x');
const secrets = ["It's a Secret to Everybody", 'ключ', 's3cr3t'];

/** Signs, and tells whether the event loop turned (a setImmediate ran) before the signatures came. */
async function signWatchingLoop(signer: Signer, requests: Array<readonly [Buffer, string]>) {
  let turned = false;
  setImmediate(() => (turned = true));
  const signatures = await Promise.all(requests.map(([body, secret]) => signer.sign(body, secret)));
  return { signatures, offLoop: turned };
}

test('a batch sent to the thread gets exactly the digests signed on the event loop, each for its own body and secret', async (t) => {
  const threaded = new Signer({ inlineMaxBytes: 0 });
  t.after(() => threaded.close());
  const requests = [...secrets.map((s) => [small, s] as const), ...secrets.map((s) => [other, s] as const)];
  const { signatures, offLoop } = await signWatchingLoop(threaded, requests);
  assert.equal(offLoop, true, 'signed on the thread');
  assert.deepEqual(signatures, requests.map(([body, secret]) => sign(body, secret)));
  const inline = await signWatchingLoop(new Signer({ inlineMaxBytes: Infinity }), requests);
  assert.equal(inline.offLoop, false, 'signed on the event loop');
  assert.deepEqual(inline.signatures, signatures);
  assert.notEqual(signatures[0].sha256, signatures[3].sha256);
});

test('with the default threshold a large body is hashed off the event loop, an ordinary one on it', async (t) => {
  const signer = new Signer();
  t.after(() => signer.close());
  const large = await signWatchingLoop(signer, [[big, secrets[0]]]);
  assert.equal(large.offLoop, true, 'the event loop turned while 8 MB were hashed');
  assert.deepEqual(large.signatures, [sign(big, secrets[0])]);
  const ordinary = await signWatchingLoop(signer, [[small, secrets[1]]]);
  assert.equal(ordinary.offLoop, false);
  assert.deepEqual(ordinary.signatures, [sign(small, secrets[1])]);
});

test('closing answers every caller, including what the thread was still hashing and what was not yet sent to it', async () => {
  const signer = new Signer({ inlineMaxBytes: 0 });
  const sent = secrets.map((s) => signer.sign(big, s));
  await Promise.resolve(); // the batch goes to the thread in a microtask
  const notYetSent = signer.sign(small, secrets[0]);
  let answered = 0;
  for (const p of [...sent, notYetSent]) void p.then(() => answered++);
  await signer.close();
  await Promise.resolve();
  assert.equal(answered, 4, 'every caller answered by the time close() resolves');
  assert.deepEqual(await Promise.all(sent), secrets.map((s) => sign(big, s)));
  assert.deepEqual(await notYetSent, sign(small, secrets[0]));
  // Used again after closing, it starts a thread again.
  const again = await signWatchingLoop(signer, [[small, secrets[2]]]);
  assert.equal(again.offLoop, true);
  assert.deepEqual(again.signatures, [sign(small, secrets[2])]);
  await signer.close();
});

test('a thread that fails is reported once; its batch and every later one are signed on the event loop', async (t) => {
  const failures: Error[] = [];
  const signer = new Signer({
    inlineMaxBytes: 0,
    threadModule: new URL('../support/failing-thread.ts', import.meta.url),
    onThreadFailure: (err) => failures.push(err),
  });
  t.after(() => signer.close());
  assert.deepEqual(await Promise.all(secrets.map((s) => signer.sign(small, s))), secrets.map((s) => sign(small, s)));
  assert.equal(failures.length, 1);
  assert.match(failures[0].message, /boom/);
  const later = await signWatchingLoop(signer, [[other, secrets[1]]]);
  assert.equal(later.offLoop, false, 'no thread is started again');
  assert.deepEqual(later.signatures, [sign(other, secrets[1])]);
  assert.equal(failures.length, 1);
});

test('an idle thread does not keep the process alive (in a process evaluating ES modules, too)', () => {
  const signerUrl = new URL('../../src/delivery/signer.ts', import.meta.url).href;
  const script = `
    import { Signer } from ${JSON.stringify(signerUrl)};
    let turned = false;
    setImmediate(() => (turned = true));
    const s = await new Signer({ inlineMaxBytes: 0, onThreadFailure: (err) => console.error(err) }).sign(Buffer.from('body'), 'secret');
    console.log(turned, s.sha256);
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(child.signal, null, 'exited on its own, not killed at the timeout');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), `true ${sign(Buffer.from('body'), 'secret').sha256}`, 'signed on the thread');
});
