// The delivery worker: claim due rows with a lease → prepare → send → record, with caps on requests in
// flight (per worker, per hook, per owner, one for a hook that timed out) so slow receivers never stall
// the others. Woken by new rows; a timer is only the backstop. Observers (`onAttempt`) hear of every
// recorded attempt; a heartbeat lets live workers free the leases of dead ones.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { AttemptFollowUp, ClaimedDelivery, DeliveryOutcome } from '../domain/deliveries.js';
import { followUpAfter, type RetryPolicy } from '../domain/delivery-policy.js';
import { isoSeconds } from '../domain/model.js';
import type { Logger } from '../logger.js';
import { rememberBounded } from '../bounded-map.js';
import type { Store } from '../storage/store.js';
import { describeAttempt, type AttemptListener } from './attempts.js';
import { encodeBody, prepare, type HookSecrets, type PreparedRequest } from './prepare.js';
import { TIMED_OUT, type Sender } from './send.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { Heartbeat } from './heartbeat.js';
import { signBody } from './signer.js';

export interface WorkerOptions {
  store: Store;
  sender: Sender;
  clock: Clock;
  /** Decrypts a hook's secret and credentials. */
  secretsOf(hook: ClaimedDelivery['hook']): HookSecrets;
  concurrency: number;
  /** Most deliveries one hook may have in flight (across workers), so a slow receiver cannot take every slot. */
  perHook: number;
  /** Most deliveries the hooks of one owner may have in flight (across workers), so one tenant cannot take every slot; omitted: no owner cap. */
  perOwner?: number;
  /** Heartbeat interval; omitted: no heartbeat (a crashed worker's rows wait for its leases to expire). */
  heartbeatMs?: number;
  /** Longer than the delivery timeout, so a live worker never loses a row it is still sending. */
  leaseMs: number;
  /** Longest sleep between checks when nothing wakes the worker. */
  pollMs?: number;
  /** Automatic retries and auto-disable; omitted: one attempt, never disabled (GitHub's behaviour). */
  retries?: RetryPolicy;
  logger?: Logger;
}

/** While fewer slots than a batch are free, a claim waits at most this long for more to free up. */
const COALESCE_MS = 2;
/** Unrecorded outcomes allowed, in multiples of the concurrency, before the worker stops claiming. */
const RECORDING_BACKLOG = 1;
/** Most rows one claim takes: a high concurrency fills up over several claims, each a short transaction. */
const CLAIM_BATCH_MAX = 64;
/** GitHub's behaviour: one attempt, never disabled. */
const ONE_ATTEMPT: RetryPolicy = { schedule: [], disableAfterMs: null, disableAfterText: 'off' };

/** Decrypted hook credentials kept, keyed by their sealed form, so a rotated secret is a new entry. */
const SECRET_CACHE_ENTRIES = 10_000;

export class DeliveryWorker {
  readonly id = `worker-${randomUUID()}`;
  private running = false;
  private inFlight = new Set<Task>();
  /**
   * Outcomes received but not yet recorded. Rule: a slot is free once its receiver has answered (the
   * connection is what the concurrency bounds); stop() and idle() wait for these too, and claiming
   * pauses while more than RECORDING_BACKLOG × concurrency wait, so leases outstanding stay within
   * twice the concurrency.
   */
  private recording = new Set<Task>();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;
  private lastClaimAt = 0;
  /** A claim is under way: its rows may be leased already but not yet in a slot (idle() waits for it). */
  private claiming = false;
  private readonly listeners: AttemptListener[] = [];
  /** Claiming fewer rows than this at once is deferred briefly while deliveries are in flight. */
  private readonly batchMin: number;
  private readonly secrets = new Map<string, HookSecrets>();
  /** Hooks whose receivers timed out, limited to one delivery in flight. */
  readonly circuits: CircuitBreaker;
  private readonly heartbeat: Heartbeat | null;

  constructor(private readonly opts: WorkerOptions) {
    this.batchMin = Math.max(1, Math.min(16, Math.floor(opts.concurrency / 4)));
    this.circuits = new CircuitBreaker(opts.logger);
    this.heartbeat = opts.heartbeatMs === undefined
      ? null
      : new Heartbeat(opts.store, this.id, opts.clock, opts.heartbeatMs, () => this.wake(), opts.logger);
  }

  /** Calls `listener` once for every attempt this worker records (not for one whose lease was lost). */
  onAttempt(listener: AttemptListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat?.start();
    this.loop = this.run();
  }

  /** Rows were queued that no worker has taken: claim now instead of at the next poll. */
  queued(): void {
    this.wake();
  }

  /** Something changed (a slot freed, rows queued): claim now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming, lets requests in flight finish (each is bounded by the timeout), releases the rest. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight].map((t) => t.done));
    await Promise.allSettled([...this.recording].map((t) => t.done));
    await this.opts.store.releaseClaims(this.id).catch(() => 0);
    await this.heartbeat?.stop();
  }

  /** Resolves when no delivery is due now or in flight (for tests and benchmarks); scheduled retries may wait. */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.inFlight, ...this.recording].map((t) => t.done));
      const next = await this.opts.store.nextDueAt();
      const due = next !== null && next <= this.opts.clock.now().getTime();
      // A claim in progress holds rows that are neither due nor in flight yet.
      if (!due && !this.claiming && this.inFlight.size === 0 && this.recording.size === 0) return;
      this.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async run(): Promise<void> {
    const { store, clock, leaseMs } = this.opts;
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      this.woken = false;
      const free = Math.min(this.freeSlots(), CLAIM_BATCH_MAX);
      // A claim is a write transaction that walks past the rows in flight, so claiming one row per freed
      // slot costs O(concurrency) per delivery. While nearly every slot is busy, let a few more free up
      // first, for at most COALESCE_MS (real time), so a worker full of slow receivers still progresses.
      if (free > 0 && free < this.batchMin) {
        const wait = this.lastClaimAt + COALESCE_MS - performance.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
      }
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        this.claiming = true;
        try {
          this.lastClaimAt = performance.now();
          const now = clock.now().getTime();
          claimed = await store.claimDue({
            worker: this.id, now, leaseUntil: now + leaseMs, limit: free,
            perHook: this.opts.perHook, perOwner: this.opts.perOwner, throttled: this.circuits.throttled(),
          });
          if (claimed.length > 0) this.dispatch(claimed);
        } catch (err) {
          this.opts.logger?.error({ err }, 'claiming deliveries failed; will retry');
        } finally {
          this.claiming = false;
        }
      }
      if (!this.running) break;
      // Claim again at once after a full batch: more may be due. A shorter one took everything claimable
      // (a claim reads past hooks and owners at their cap itself), so wait to be woken.
      if (claimed.length > 0 && claimed.length >= free) continue;
      if (this.woken) continue;
      const next = free > 0 ? await this.untilNextDue(pollMs) : pollMs;
      // Rows due now that a claim returns none of belong to hooks at their in-flight cap: only a finished
      // delivery (which wakes the worker) makes them claimable, so wait for one instead of claiming
      // again at once — that spun a core for the whole timeout behind one hanging receiver.
      await this.sleep(next === 0 ? pollMs : next);
    }
  }

  /** Slots a claim may fill now: none while too many outcomes wait to be recorded. */
  private freeSlots(): number {
    return this.recordingBacklogged() ? 0 : this.opts.concurrency - this.inFlight.size;
  }

  /** Claiming pauses while more outcomes than this wait to be recorded. */
  private recordingBacklogged(): boolean {
    return this.recording.size > this.opts.concurrency * RECORDING_BACKLOG;
  }

  private dispatch(claimed: ClaimedDelivery[]): void {
    // Hooks with the same content type receive the same bytes: within one claim, each event's body is
    // encoded once (one Buffer), and only payloads that did not come with the claim are read from the store.
    const carried = new Map<number, string>();
    for (const d of claimed) if (d.payload !== undefined) carried.set(d.eventId, d.payload);
    const missing = [...new Set(claimed.filter((d) => !carried.has(d.eventId)).map((d) => d.eventId))];
    const payloads = missing.length === 0
      ? Promise.resolve(carried)
      : this.opts.store.loadPayloads(missing).then((loaded) => new Map([...loaded, ...carried]));
    const bodies = new Map<string, Promise<Buffer>>();
    for (const delivery of claimed) {
      const key = `${delivery.eventId}:${delivery.hook.config.contentType}`;
      let body = bodies.get(key);
      if (!body) bodies.set(key, (body = this.bodyOf(delivery, payloads)));
      // In the set before it starts, so its end always finds it there.
      const slot = new Task();
      this.inFlight.add(slot);
      slot.done = this.attempt(delivery, body, slot);
    }
  }

  /** The delivery's body, encoded from its event's payload as its hook's content type asks. */
  private async bodyOf(delivery: ClaimedDelivery, payloads: Promise<Map<number, string>>): Promise<Buffer> {
    const payload = (await payloads).get(delivery.eventId) ?? '{}';
    return encodeBody(payload, delivery.hook.config.contentType);
  }

  /** One delivery in one slot: the body, the request, then its outcome handed to recording. */
  private async attempt(delivery: ClaimedDelivery, body: Promise<Buffer>, slot: Task): Promise<void> {
    try {
      await this.deliver(delivery, await body);
    } catch (err) {
      // Loading the payloads can fail (the database went away after the claim); the row stays leased
      // and is claimed again once the lease expires.
      this.opts.logger?.error({ err, delivery: delivery.id }, 'delivery failed before sending; it will be retried');
    } finally {
      this.inFlight.delete(slot);
      this.wake(); // a slot is free
    }
  }

  private async deliver(delivery: ClaimedDelivery, body: Buffer): Promise<void> {
    const { sender, clock } = this.opts;
    let req: PreparedRequest;
    try {
      const secrets = this.secretsFor(delivery.hook);
      const signatures = secrets.secret === null ? null : await signBody(body, secrets.secret);
      req = prepare(delivery, body, signatures, secrets);
    } catch (err) {
      // Retrying cannot fix a secret sealed under another key: the attempt fails, visibly, with the reason.
      this.opts.logger?.error({ err, hook: delivery.hook.id, delivery: delivery.id }, 'delivery could not be prepared');
      this.handOver(delivery, unpreparedOutcome(delivery, isoSeconds(clock.now())));
      return;
    }
    const result = await sender.send(req);
    this.circuits.observe(delivery.hook.id, result.status === TIMED_OUT);
    this.handOver(delivery, {
      url: req.url,
      status: result.status,
      statusCode: result.statusCode,
      duration: result.duration,
      deliveredAt: isoSeconds(clock.now()),
      requestHeaders: req.recordedHeaders,
      responseHeaders: result.responseHeaders,
      responseBody: result.responseBody,
    });
  }

  /** The attempt is over: its outcome goes to recording, and the slot frees when the caller returns. */
  private handOver(delivery: ClaimedDelivery, outcome: DeliveryOutcome): void {
    const { clock } = this.opts;
    const recording = new Task();
    this.recording.add(recording);
    const followUp = followUpAfter(this.opts.retries ?? ONE_ATTEMPT, delivery, outcome, clock.now().getTime());
    recording.done = this.record(delivery, outcome, followUp, recording);
  }

  private async record(delivery: ClaimedDelivery, outcome: DeliveryOutcome, followUp: AttemptFollowUp, recording: Task): Promise<void> {
    const { store, logger } = this.opts;
    try {
      const recorded = await this.withRetries(() => store.completeDelivery(delivery.id, this.id, outcome, followUp));
      if (!recorded) logger?.warn({ delivery: delivery.id }, 'lease lost before the outcome was recorded');
      else {
        this.tellListeners(delivery, outcome);
        if (followUp.disable) await this.reportDisabled(delivery);
      }
    } catch (err) {
      // The lease expires and the row is claimed again: at-least-once, never lost.
      logger?.error({ err, delivery: delivery.id }, 'delivery could not be recorded; it will be retried');
    } finally {
      this.recording.delete(recording);
      // The row's lease has ended, so its hook may be below its cap again.
      this.wake();
    }
  }

  /** A hook the policy asked to disable is logged at warn once the store has done it. */
  private async reportDisabled(delivery: ClaimedDelivery): Promise<void> {
    const hook = await this.opts.store.findHook(delivery.hook.owner, delivery.hook.id);
    if (hook && !hook.active) {
      this.opts.logger?.warn({ hook: hook.id, url: hook.config.url }, hook.lastResponse.message ?? 'hook disabled');
    }
  }

  private tellListeners(delivery: ClaimedDelivery, outcome: DeliveryOutcome): void {
    if (this.listeners.length === 0) return;
    const attempt = describeAttempt(delivery, outcome);
    for (const listener of this.listeners) {
      try {
        listener(attempt);
      } catch (err) {
        this.opts.logger?.error({ err, delivery: delivery.id }, 'an attempt listener failed');
      }
    }
  }

  /** Rule: a hook's plaintext credentials are kept per sealed value, so a changed secret is never signed with the old one. */
  private secretsFor(hook: ClaimedDelivery['hook']): HookSecrets {
    const c = hook.config;
    const key = `${hook.id}\n${c.secret ?? ''}\n${c.username ?? ''}\n${c.password ?? ''}`;
    let secrets = this.secrets.get(key);
    if (!secrets) rememberBounded(this.secrets, key, (secrets = this.opts.secretsOf(hook)), SECRET_CACHE_ENTRIES);
    return secrets;
  }

  /** Retries recording through a short database outage rather than sending the delivery again later. */
  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    const delays = [250, 500, 1000, 2000, 4000, 8000];
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= delays.length) throw err;
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  private async untilNextDue(pollMs: number): Promise<number> {
    try {
      const next = await this.opts.store.nextDueAt();
      if (next === null) return pollMs;
      return Math.max(0, Math.min(pollMs, next - this.opts.clock.now().getTime()));
    } catch {
      return pollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

/** A delivery in a slot, or an outcome being recorded; `done` settles when it ends (never rejects). */
class Task {
  done: Promise<void> = Promise.resolve();
}

/** The recorded failure of an attempt that could not be prepared (its hook's secret does not decrypt). */
function unpreparedOutcome(delivery: ClaimedDelivery, deliveredAt: string): DeliveryOutcome {
  return {
    url: delivery.hook.config.url,
    status: "Couldn't prepare the delivery: the hook's secret cannot be decrypted with this process's HOOKLINE_SECRET_KEY",
    statusCode: 0,
    duration: 0,
    deliveredAt,
    requestHeaders: {},
    responseHeaders: null,
    responseBody: null,
  };
}
