// Delivery signatures, computed off the event loop when there is enough to hash. Rule: requests made in
// one synchronous run (a claim's batch, an event's fan-out) are signed together, on the event loop when
// the batch hashes fewer than INLINE_MAX_BYTES, else in one message to a thread of their own
// (signer-thread.ts), and a body that large is never hashed on the event loop, so one large payload
// fanned out to many hooks does not stall every request behind it.
import type { Worker } from 'node:worker_threads';
import { sign, type Signatures } from '../domain/signature.js';
import { besideModule, startThread } from '../threads.js';
import type { SignBatch, SignReply } from './signer-thread.js';

/** A batch hashing fewer bytes than this is signed on the event loop, and a body this large is never hashed there. */
export const INLINE_MAX_BYTES = 64 * 1024;

const THREAD_MODULE = besideModule(import.meta.url, 'signer-thread');

interface SignRequest {
  body: Buffer;
  secret: string;
  resolve(s: Signatures): void;
  reject(err: unknown): void;
}

interface SentBatch {
  requests: SignRequest[];
  /** Holds a body of INLINE_MAX_BYTES or more: ordinary batches are not queued behind it. */
  large: boolean;
}

export interface SignerOptions {
  /** Batches hashing at least this many bytes go to the thread (tests set 0 or Infinity). */
  inlineMaxBytes?: number;
  /** Told once if the thread fails; signing then stays on the event loop until the signer is closed. */
  onThreadFailure?(err: Error): void;
  /** The thread's module (tests only: a thread that fails). */
  threadModule?: URL;
}

export class Signer {
  private readonly inlineMaxBytes: number;
  private thread: Worker | null = null;
  private threadFailed = false;
  private queued: SignRequest[] = [];
  private readonly sentBatches = new Map<number, SentBatch>();
  private nextBatchId = 1;

  constructor(private readonly opts: SignerOptions = {}) {
    this.inlineMaxBytes = opts.inlineMaxBytes ?? INLINE_MAX_BYTES;
  }

  /** Both signatures of `body` under `secret`; requests made in the same synchronous run are batched. */
  sign(body: Buffer, secret: string): Promise<Signatures> {
    return new Promise((resolve, reject) => {
      if (this.queued.push({ body, secret, resolve, reject }) === 1) queueMicrotask(() => this.flush());
    });
  }

  /**
   * Stops the thread; whatever it has not answered is signed here (on the event loop, however large),
   * so no caller is left waiting. A later batch starts a thread again, even after a failure.
   */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    this.threadFailed = false;
    signInline(this.queued.splice(0));
    this.signSentInline();
    await thread?.terminate();
  }

  private flush(): void {
    const batch = this.queued.splice(0);
    let bytes = 0;
    let large = false;
    for (const r of batch) {
      bytes += r.body.length;
      if (r.body.length >= this.inlineMaxBytes) large = true;
    }
    // An ordinary batch waits for the thread only behind other ordinary ones, never behind a large body.
    const offload = bytes >= this.inlineMaxBytes && (large || !this.largeBatchSent());
    const thread = offload ? this.startedThread() : null;
    if (thread === null) return signInline(batch);
    // A fan-out signs one body under many secrets: each distinct body is copied to the thread once.
    const bodies: Buffer[] = [];
    const indexOf = new Map<Buffer, number>();
    const bodyOf = batch.map((r) => {
      let i = indexOf.get(r.body);
      if (i === undefined) indexOf.set(r.body, (i = bodies.push(r.body) - 1));
      return i;
    });
    const id = this.nextBatchId++;
    try {
      thread.postMessage({ id, bodies, bodyOf, secrets: batch.map((r) => r.secret) } satisfies SignBatch);
    } catch {
      // Nothing was sent (a body too large to copy, say): the thread is fine, this batch is signed here.
      signInline(batch);
      return;
    }
    if (this.sentBatches.size === 0) thread.ref(); // a batch being signed keeps the process alive
    this.sentBatches.set(id, { requests: batch, large });
  }

  private largeBatchSent(): boolean {
    for (const b of this.sentBatches.values()) if (b.large) return true;
    return false;
  }

  /** The running thread, started if need be; null once it has failed. */
  private startedThread(): Worker | null {
    if (this.thread || this.threadFailed) return this.thread;
    let thread: Worker;
    try {
      thread = startThread(this.opts.threadModule ?? THREAD_MODULE);
    } catch (err) {
      this.threadFailed = true;
      this.opts.onThreadFailure?.(err as Error);
      return null;
    }
    thread.on('message', (reply: SignReply) => this.answer(thread, reply));
    thread.on('error', (err) => this.onThreadFailed(thread, err));
    thread.on('messageerror', (err) => this.onThreadFailed(thread, err));
    thread.on('exit', (code) => this.onThreadFailed(thread, new Error(`signing thread exited with code ${code}`)));
    thread.unref(); // an idle thread never keeps the process alive
    this.thread = thread;
    return thread;
  }

  private answer(thread: Worker, reply: SignReply): void {
    const batch = this.sentBatches.get(reply.id);
    if (!batch) return; // already signed here, on close or failure
    this.sentBatches.delete(reply.id);
    if (this.sentBatches.size === 0) thread.unref();
    batch.requests.forEach((r, i) => {
      const error = reply.errors[i];
      if (error !== undefined) r.reject(new Error(error));
      else r.resolve({ sha1: reply.signatures[2 * i], sha256: reply.signatures[2 * i + 1] });
    });
  }

  private onThreadFailed(thread: Worker, err: Error): void {
    if (this.thread !== thread) return; // closed, or already reported
    this.thread = null;
    this.threadFailed = true;
    this.signSentInline(); // before telling anyone: a throwing listener must not strand a caller
    this.opts.onThreadFailure?.(err);
  }

  private signSentInline(): void {
    const batches = [...this.sentBatches.values()];
    this.sentBatches.clear();
    for (const b of batches) signInline(b.requests);
  }
}

function signInline(requests: SignRequest[]): void {
  for (const r of requests) {
    try {
      r.resolve(sign(r.body, r.secret));
    } catch (err) {
      r.reject(err);
    }
  }
}
