// Whole-request timeouts for many requests that share one timeout: one timer for all of them instead
// of a timer and an AbortSignal per request.
import { performance } from 'node:perf_hooks';

/**
 * The whole-request timeout, as AbortSignal.timeout() would give it. Rule: all requests share one
 * timeout, so deadlines expire in the order they start: a linked list in start order and one timer
 * armed for its head. undici (7.x, `Dispatcher.request`) duck-types its signal and needs only
 * `aborted`, `reason` and the listeners; `fetch` would want a real AbortSignal, and an undici upgrade
 * must keep this duck type working (test/delivery/failures.test.ts times requests out through it).
 */
class Deadline {
  aborted = false;
  reason: unknown = undefined;
  prev: Deadline | null = null;
  next: Deadline | null = null;
  private listeners: Array<() => void> = [];

  constructor(readonly at: number) {}

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  abort(): void {
    this.aborted = true;
    this.reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    for (const listener of this.listeners.splice(0)) listener();
  }
}

export class Deadlines {
  private head: Deadline | null = null;
  private tail: Deadline | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  start(): Deadline {
    const d = new Deadline(performance.now() + this.timeoutMs);
    d.prev = this.tail;
    if (this.tail) this.tail.next = d;
    else this.head = d;
    this.tail = d;
    if (!this.timer) this.arm();
    return d;
  }

  finish(d: Deadline): void {
    if (d.prev) d.prev.next = d.next;
    else if (this.head === d) this.head = d.next;
    if (d.next) d.next.prev = d.prev;
    else if (this.tail === d) this.tail = d.prev;
    d.prev = d.next = null;
  }

  private arm(): void {
    if (!this.head) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, this.head.at - performance.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = null;
    const now = performance.now();
    while (this.head && this.head.at <= now) {
      const d = this.head;
      this.finish(d);
      d.abort();
    }
    this.arm();
  }
}
