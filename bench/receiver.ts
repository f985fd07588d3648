// The webhook receiver every system delivers to: plain node:http, 200 "ok", in the benchmark's own
// process. It counts requests, stamps each GUID's first arrival (for latency), and verifies a sample of
// signatures so a system that sent wrong bytes or headers cannot post a good number.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class Receiver {
  private server: Server;
  count = 0;
  lastAt = 0;
  firstAt = 0;
  /** GUID → arrival time (ms, performance.now()), filled only while `stampGuids` is on. */
  arrivals = new Map<string, number>();
  stampGuids = false;
  /** While set, a second request for the same hook path and delivery GUID counts in `duplicates`. */
  countDuplicates = false;
  duplicates = 0;
  private seen = new Set<string>();
  /** While set, requests to /down/… are answered 503 (a receiver that is down). */
  down = false;
  /** Path → secret, for the sampled signature check. */
  secrets = new Map<string, string>();
  verified = 0;
  badSignatures = 0;
  private waiters: Array<{ count: number; resolve(): void }> = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        this.count++;
        if (this.count === 1) this.firstAt = at;
        this.lastAt = at;
        if (this.stampGuids) {
          const guid = String(req.headers['x-github-delivery']);
          if (!this.arrivals.has(guid)) this.arrivals.set(guid, at);
        }
        if (this.countDuplicates) {
          const key = `${req.url}|${String(req.headers['x-github-delivery'])}`;
          if (this.seen.has(key)) this.duplicates++;
          else this.seen.add(key);
        }
        if (this.count % 50 === 1) this.verify(req.url ?? '/', chunks, req.headers['x-hub-signature-256']);
        const down = this.down && (req.url ?? '').startsWith('/down/');
        res.writeHead(down ? 503 : 200, { 'Content-Type': 'text/plain' });
        res.end(down ? 'down' : 'ok');
        if (this.waiters.length > 0) this.settle();
      });
    });
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  reset(): void {
    this.count = 0;
    this.lastAt = 0;
    this.firstAt = 0;
    this.arrivals.clear();
    this.stampGuids = false;
    this.countDuplicates = false;
    this.duplicates = 0;
    this.seen.clear();
  }

  /**
   * Resolves when `count` requests have arrived since the last reset; rejects after `timeoutMs`, or
   * as soon as nothing has arrived for `stallMs` (a system that stopped delivering fails fast).
   */
  waitFor(count: number, timeoutMs: number, stallMs = 20_000): Promise<void> {
    if (this.count >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let seen = this.count;
      let quietSince = performance.now();
      const fail = (why: string) => {
        clearTimeout(timer);
        clearInterval(watch);
        reject(new Error(`receiver got ${this.count} of ${count} requests (${why})`));
      };
      const timer = setTimeout(() => fail(`in ${timeoutMs} ms`), timeoutMs);
      const watch = setInterval(() => {
        if (this.count !== seen) {
          seen = this.count;
          quietSince = performance.now();
        } else if (performance.now() - quietSince > stallMs) fail(`nothing for ${stallMs} ms`);
      }, 1000);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), clearInterval(watch), resolve()) });
    });
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => (this.count >= w.count ? (w.resolve(), false) : true));
  }

  private verify(path: string, chunks: Buffer[], header: string | string[] | undefined): void {
    const secret = this.secrets.get(path);
    if (secret === undefined) return;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(Buffer.concat(chunks)).digest('hex')}`);
    const got = Buffer.from(String(header ?? ''));
    this.verified++;
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) this.badSignatures++;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
