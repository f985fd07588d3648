// Delivery signatures, computed off the event loop when there is enough to hash. HMAC-SHA1 and
// HMAC-SHA256 over every body are the largest single cost of a delivery on the event loop (~17 % of it
// in the throughput benchmark on a host without SHA instructions), and one large payload fanned out
// to many hooks would stall every request behind it (25 MB to 20 hooks: seconds). Requests made in one
// synchronous run (a claim's batch, an event's fan-out) are signed together: on the event loop when
// the batch is small, else in one message to a thread of their own.
import { Worker } from 'node:worker_threads';
import { sign, type Signatures } from '../domain/signature.js';

/**
 * A batch hashing fewer bytes than this is signed on the event loop. A round trip to the thread costs
 * ~50–100 µs of CPU on the 2-core VMs we measure on (~20–40 µs of it on the event loop), about what
 * both digests over 64 KB take where the CPU has SHA instructions (~1.7 ns a byte; ~4.5 without). So
 * one delivery of an ordinary payload never waits for a thread, and a claim's batch does not block.
 */
export const INLINE_MAX_BYTES = 64 * 1024;

// Plain CommonJS evaluated in the thread, so it runs the same under tsc's output and under tsx (whose
// loader does not reach worker threads). The digests are domain/signature.ts's; a test holds them equal.
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
parentPort.on('message', ({ id, bodies, bodyOf, secrets }) => {
  const signatures = new Array(secrets.length * 2);
  for (let i = 0; i < secrets.length; i++) {
    const body = bodies[bodyOf[i]];
    signatures[2 * i] = 'sha1=' + createHmac('sha1', secrets[i]).update(body).digest('hex');
    signatures[2 * i + 1] = 'sha256=' + createHmac('sha256', secrets[i]).update(body).digest('hex');
  }
  parentPort.postMessage({ id, signatures });
});
`;

interface Request {
  body: Buffer;
  secret: string;
  resolve(s: Signatures): void;
}

export interface SignerOptions {
  /** Batches hashing at least this many bytes go to the thread (tests lower it to 0). */
  inlineMaxBytes?: number;
  /** Told once if the thread fails; signing then stays on the event loop. */
  onThreadFailure?(err: Error): void;
}

export class Signer {
  private readonly inlineMaxBytes: number;
  private thread: Worker | null = null;
  /** Set once the thread failed: everything is signed inline from then on. */
  private threadFailed = false;
  private queued: Request[] = [];
  private readonly sentBatches = new Map<number, Request[]>();
  private nextBatchId = 1;

  constructor(private readonly opts: SignerOptions = {}) {
    this.inlineMaxBytes = opts.inlineMaxBytes ?? INLINE_MAX_BYTES;
  }

  /** Both signatures of `body` under `secret`; requests made in the same synchronous run are batched. */
  sign(body: Buffer, secret: string): Promise<Signatures> {
    return new Promise((resolve) => {
      if (this.queued.push({ body, secret, resolve }) === 1) queueMicrotask(() => this.flush());
    });
  }

  /**
   * Stops the thread (a later batch starts another); batches it has not answered are signed here, so
   * no caller is left waiting.
   */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    this.signPendingInline();
    await thread?.terminate();
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    let bytes = 0;
    for (const r of batch) bytes += r.body.length;
    const thread = bytes >= this.inlineMaxBytes ? this.ensureThread() : null;
    if (!thread) {
      for (const r of batch) r.resolve(sign(r.body, r.secret));
      return;
    }
    // A fan-out signs one body under many secrets: each distinct body is copied to the thread once.
    const bodies: Buffer[] = [];
    const indexOf = new Map<Buffer, number>();
    const bodyOf = batch.map((r) => {
      let i = indexOf.get(r.body);
      if (i === undefined) indexOf.set(r.body, (i = bodies.push(r.body) - 1));
      return i;
    });
    const id = this.nextBatchId++;
    if (this.sentBatches.size === 0) thread.ref(); // a batch being signed keeps the process alive
    this.sentBatches.set(id, batch);
    thread.postMessage({ id, bodies, bodyOf, secrets: batch.map((r) => r.secret) });
  }

  private ensureThread(): Worker | null {
    if (this.thread || this.threadFailed) return this.thread;
    const thread = new Worker(THREAD_SOURCE, { eval: true });
    thread.on('message', (m: { id: number; signatures: string[] }) => {
      const batch = this.sentBatches.get(m.id);
      if (!batch) return;
      this.sentBatches.delete(m.id);
      if (this.sentBatches.size === 0) thread.unref();
      batch.forEach((r, i) => r.resolve({ sha1: m.signatures[2 * i], sha256: m.signatures[2 * i + 1] }));
    });
    thread.on('error', (err) => this.failed(thread, err));
    thread.on('exit', (code) => this.failed(thread, new Error(`signing thread exited with code ${code}`)));
    thread.unref(); // an idle thread never keeps the process alive
    this.thread = thread;
    return thread;
  }

  private failed(thread: Worker, err: Error): void {
    if (this.thread !== thread) return; // closed, or already reported
    this.threadFailed = true;
    this.thread = null;
    this.opts.onThreadFailure?.(err);
    this.signPendingInline();
  }

  private signPendingInline(): void {
    for (const batch of this.sentBatches.values()) for (const r of batch) r.resolve(sign(r.body, r.secret));
    this.sentBatches.clear();
  }
}
