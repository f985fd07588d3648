// The bytes being ingested at once are bounded (issue 21 item 10): beyond HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT
// a request is refused with 503 and Retry-After before its body is read, and every request gives its
// share back when it ends, however it ends. Requests are held open by a body stream the test controls,
// so nothing here depends on timing.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { assertError } from '../support/hooks.js';
import { deliveryRig } from './fixtures.js';

/** An ingest body of exactly `bytes` bytes for alice/hello. */
function body(bytes: number): string {
  const head = '{"event":"issues","repository":"alice/hello","payload":{"pad":"';
  const tail = '"}}';
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
}

/** A body the test releases by hand; `reading` resolves once the server has started to read it. */
function heldBody(text: string) {
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  const stream = new Readable({ read: () => started() });
  return {
    stream,
    reading,
    finish: () => {
      stream.push(text);
      stream.push(null);
    },
  };
}

test('ingests beyond the byte budget get 503 with Retry-After; the budget comes back when requests end', async (t) => {
  const { app } = await deliveryRig(t, { HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT: '100000' }, { start: false });
  const send = (payload: string | Readable, length: number, url = '/hookline/events') =>
    app.http.inject({
      method: 'POST', url, payload,
      headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': String(length) },
    });

  const first = heldBody(body(60_000));
  const firstDone = send(first.stream, 60_000);
  await first.reading; // its 60 000 bytes are reserved now

  const refused = await send(body(50_000), 50_000);
  assert.equal(refused.headers['retry-after'], '1');
  assertError({ statusCode: refused.statusCode, json: () => refused.json(), body: refused.body }, 503, /ingested at once/);
  assert.equal((await send(body(50_000), 50_000, '/api/v3/hookline/events')).statusCode, 503, 'one budget for both paths');
  assert.equal((await send(body(30_000), 30_000)).statusCode, 202, 'what still fits is accepted');

  first.finish();
  assert.equal((await firstDone).statusCode, 202);
  assert.equal((await send(body(50_000), 50_000)).statusCode, 202, 'the budget came back');

  // A request larger than the whole budget is accepted when it is the only one.
  assert.equal((await send(body(150_000), 150_000)).statusCode, 202);

  // A request that fails (here: its body breaks off) gives its share back too.
  const broken = heldBody('');
  const brokenDone = send(broken.stream, 90_000);
  await broken.reading;
  assert.equal((await send(body(50_000), 50_000)).statusCode, 503);
  broken.stream.destroy(new Error('client went away'));
  await brokenDone.catch(() => undefined); // the inject may reject with the stream's error
  assert.equal((await send(body(50_000), 50_000)).statusCode, 202);
});

test('HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT is validated at start, 64 MiB by default', () => {
  assert.equal(loadConfig({}).ingestBytesInFlight, 64 * 1024 * 1024);
  assert.throws(() => loadConfig({ HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT: '12x' }), /HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT must be a whole number/);
  assert.throws(() => loadConfig({ HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT: '10' }), /HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT/);
});

test('callers without the ingest scope are refused before any bytes are reserved', async (t) => {
  const { app, token } = await deliveryRig(t, { HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT: '100000' }, { start: false });
  const held = heldBody(body(90_000));
  const pending = app.http.inject({
    method: 'POST', url: '/hookline/events', payload: held.stream,
    headers: { authorization: `token ${token}`, 'content-length': '90000' },
  });
  const res = await pending;
  assert.equal(res.statusCode, 404, res.body);
  const ok = await app.call('POST', '/hookline/events', { body: body(50_000) });
  assert.equal(ok.statusCode, 202, ok.body);
});
