// A real webhook receiver on 127.0.0.1, port 0, that records every request with its raw body.
// Paths choose the behaviour: /ok (200), /status/<code>[?retry-after=<value>], /hang, /reset, /redirect,
// /huge (slow, large body).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Receiver {
  url(path?: string): string;
  received: Received[];
  /** Resolves once `count` requests (in total) have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks) });
      for (const w of waiters.splice(0)) w();
      const status = /^\/status\/(\d{3})/.exec(path);
      if (path.startsWith('/hang')) return; // never answers
      if (path.startsWith('/reset')) return req.socket.destroy();
      if (path.startsWith('/redirect')) {
        res.writeHead(302, { Location: '/ok' });
        return res.end();
      }
      if (path.startsWith('/huge')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const timer = setInterval(() => {
          if (sent++ >= 64 || res.destroyed) {
            clearInterval(timer);
            return res.end();
          }
          res.write(chunk);
        }, 5);
        return;
      }
      if (status) {
        const retryAfter = new URL(path, 'http://receiver').searchParams.get('retry-after');
        res.writeHead(Number(status[1]), { 'Content-Type': 'text/plain', ...(retryAfter ? { 'Retry-After': retryAfter } : {}) });
        return res.end(`status ${status[1]}`);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Receiver': 'test' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/ok') => `http://127.0.0.1:${port}${path}`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} requests`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
