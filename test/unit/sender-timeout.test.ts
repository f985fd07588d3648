// The delivery timeout bounds the whole request: a receiver that never answers, and one that answers
// but trickles its body for ever, both end as GitHub's "timed out" (504) with nothing recorded of the answer.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseAllowedHosts } from '../../src/domain/address-policy.js';
import { createSender } from '../../src/delivery/send.js';

test('a request is timed out whether the receiver stalls before its answer or while sending its body', async (t) => {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    open.add(res);
    req.resume();
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    }
    // '/hang': no answer at all.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sender = createSender({ allowedHosts: parseAllowedHosts('loopback'), timeoutMs: 300 });
  t.after(async () => {
    await sender.close();
    for (const res of open) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = (path: string) => sender.send({ url: `${base}${path}`, body: Buffer.from('{}'), headers: {}, recordedHeaders: {}, insecureSsl: false });

  for (const path of ['/hang', '/trickle']) {
    const result = await send(path);
    assert.equal(result.status, 'timed out', path);
    assert.equal(result.statusCode, 504, path);
    assert.equal(result.responseHeaders, null, path);
    assert.equal(result.responseBody, null, path);
  }
});
