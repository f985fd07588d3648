// Delivery throughput: Hookline (SQLite, PostgreSQL) end to end through its HTTP ingest, the raw undici
// limit, and BullMQ, all delivering the same signed payloads to the same receiver with 64 in flight.
import { loadBullmq } from '../bullmq.js';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { machineCpu, now, ownCpuS, spawnChild, stealShareSince, type BenchOptions, type Child } from '../common.js';
import { ADMIN_TOKEN, freshDatabase, Hookline, pooled, type Engine } from '../hookline.js';
import { hookSecret, pushPayload, type BenchHook } from '../payload.js';
import { pgCost, pgSnapshot, type PgCost } from '../pg-cost.js';
import type { Receiver } from '../receiver.js';

const { Queue } = await loadBullmq();

/** Sizes of one throughput run. */
export interface ThroughputPlan {
  events: number;
  hooksPerEvent: number;
  warmupEvents: number;
  /** Event submissions (HTTP ingest requests, or BullMQ addBulk calls) in flight. */
  ingestConcurrency: number;
  /** Deliveries in flight: Hookline's default, and the same for raw and BullMQ. */
  deliveryConcurrency: number;
}

export interface ThroughputResult {
  perS: number;
  deliveries: number;
  seconds: number;
  /** CPU seconds the system under test spent per 1 000 deliveries (its own process; Redis added for BullMQ). */
  cpuMsPerDelivery: number;
  /** Events accepted per second while delivering (Hookline) or enqueued per second (BullMQ). */
  submitPerS?: number;
  /** PostgreSQL only: what the database spent per delivery and per event. */
  postgres?: PgCost;
  extra?: Record<string, number>;
}

export function planFor(o: BenchOptions): ThroughputPlan {
  return { events: o.quick ? 2_000 : 5_000, hooksPerEvent: 10, warmupEvents: 200, ingestConcurrency: 8, deliveryConcurrency: 64 };
}

/**
 * What the measured phase cost outside the system under test: the load generator's CPU per delivery
 * (the receiver and the ingest client share this process) and the share of the machine's cores busy.
 * Every system here shares the machine with its receiver, so these bound what any of them can reach.
 */
export function harnessMeter(): (deliveries: number) => Record<string, number> {
  const own = ownCpuS();
  const machine = machineCpu();
  return (deliveries) => {
    const m = machineCpu();
    return {
      harness_cpu_ms_per_delivery: ((ownCpuS() - own) * 1000) / deliveries,
      machine_busy: (m.busyS - machine.busyS) / (m.totalS - machine.totalS),
      host_steal: stealShareSince(machine),
    };
  };
}

export const timeoutFor = (deliveries: number) => Math.max(60_000, deliveries * 10);

/** Every body the run sends, serialized before the clock starts. */
export function payloadTexts(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(pushPayload(first + i)));
}

function benchHooks(receiver: Receiver, count: number): BenchHook[] {
  return Array.from({ length: count }, (_, i) => ({ id: 1000 + i, url: receiver.url(`/h/${i}`), secret: hookSecret(i) }));
}

export function registerSecrets(receiver: Receiver, hooks: BenchHook[]): void {
  for (const h of hooks) receiver.secrets.set(new URL(h.url).pathname, h.secret);
}

/**
 * `inMemory` runs SQLite on `sqlite::memory:` (no WAL, no checkpoints, nothing durable): not a way to
 * deploy Hookline, but a diagnostic of how much of its cost is storage I/O (`--only=…,sqlite_memory`).
 */
export async function hooklineThroughput(
  o: BenchOptions, receiver: Receiver, plan: ThroughputPlan, engine: Engine, round: number, srcDir: string | null = null,
  inMemory = false,
): Promise<ThroughputResult> {
  const databaseUrl = inMemory ? 'sqlite::memory:' : await freshDatabase(engine, `throughput-${engine}-${round}`, o.postgresUrl);
  const name = srcDir ? `throughput-${engine}-baseline` : inMemory ? `throughput-${engine}-memory` : `throughput-${engine}`;
  const h = await Hookline.start({ databaseUrl, cpuProfDir: o.cpuProfDir, name, srcDir });
  try {
    await h.user();
    await h.repo('r0');
    const hooks = await h.hooks('r0', plan.hooksPerEvent, (i) => receiver.url(`/h/${i}`));
    registerSecrets(receiver, hooks);
    await h.idle();

    const envelope = (text: string) => `{"event":"push","repository":"bench/r0","payload":${text}}`;
    const warm = payloadTexts(0, plan.warmupEvents).map(envelope);
    receiver.reset();
    await pooled(warm.length, plan.ingestConcurrency, (i) => ingestText(h, warm[i]));
    await receiver.waitFor(warm.length * plan.hooksPerEvent, timeoutFor(warm.length * plan.hooksPerEvent));
    await h.idle();

    const bodies = payloadTexts(plan.warmupEvents, plan.events).map(envelope);
    const total = plan.events * plan.hooksPerEvent;
    const database = engine === 'postgres' ? await databaseMeter([h], databaseUrl) : null;
    const before = await h.stats();
    receiver.reset();
    const harness = harnessMeter();
    const t0 = now();
    let submitted = 0;
    const ingest = pooled(bodies.length, plan.ingestConcurrency, (i) => ingestText(h, bodies[i])).then(() => (submitted = now()));
    await receiver.waitFor(total, timeoutFor(total));
    await ingest;
    const seconds = (receiver.lastAt - t0) / 1000;
    const outside = harness(total);
    const after = await h.stats();
    await h.idle();
    // After idle: the last outcomes are recorded, so every delivery's completion is counted.
    const postgres = database ? await database(total, plan.events) : undefined;
    return {
      perS: total / seconds, deliveries: total, seconds,
      cpuMsPerDelivery: ((after.cpuS - before.cpuS) * 1000) / total,
      submitPerS: plan.events / ((submitted - t0) / 1000),
      postgres,
      extra: { rss_mb: after.rssMb, event_loop_busy: (after.mainThreadCpuS - before.mainThreadCpuS) / seconds, ...outside },
    };
  } finally {
    await h.stop();
  }
}

/** Starts measuring the database's cost of these processes; the returned function ends it (bench/pg-cost.ts). */
export async function databaseMeter(hs: Hookline[], databaseUrl: string): Promise<(deliveries: number, events: number) => Promise<PgCost>> {
  const sentBy = async () => {
    const all = await Promise.all(hs.map((h) => h.pgQueries()));
    return all.reduce((a, b) => ({ statements: a.statements + b.statements, roundTrips: a.roundTrips + b.roundTrips, commits: a.commits + b.commits }));
  };
  const queries = await sentBy();
  const snapshot = await pgSnapshot(databaseUrl);
  return async (deliveries, events) => {
    const end = await pgSnapshot(databaseUrl);
    const sent = await sentBy();
    const delta = { statements: sent.statements - queries.statements, roundTrips: sent.roundTrips - queries.roundTrips, commits: sent.commits - queries.commits };
    return pgCost(snapshot, end, delta, deliveries, events);
  };
}

export async function ingestText(h: Hookline, body: string): Promise<void> {
  const res = await h.http.request({
    method: 'POST', path: '/hookline/events', body,
    headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  if (res.statusCode !== 202) throw new Error(`ingest → ${res.statusCode} ${text.slice(0, 300)}`);
}

export async function rawThroughput(_o: BenchOptions, receiver: Receiver, plan: ThroughputPlan): Promise<ThroughputResult> {
  const hooks = benchHooks(receiver, plan.hooksPerEvent);
  registerSecrets(receiver, hooks);
  const child = spawnChild('raw-sender.ts', {});
  await child.ready;
  try {
    const run = async (first: number, events: number) => {
      await child.call('prepare', { first, events });
      receiver.reset();
      const before = await child.call<{ cpuS: number }>('stats');
      const harness = harnessMeter();
      const t0 = now();
      const sent = await child.call<{ sent: number; failed: number }>('run', { hooks, events, concurrency: plan.deliveryConcurrency });
      if (sent.failed > 0) throw new Error(`raw sender: ${sent.failed} requests failed`);
      await receiver.waitFor(sent.sent, 10_000);
      const outside = harness(sent.sent);
      const after = await child.call<{ cpuS: number }>('stats');
      return { total: sent.sent, seconds: (receiver.lastAt - t0) / 1000, cpuS: after.cpuS - before.cpuS, outside };
    };
    await run(0, plan.warmupEvents);
    const r = await run(plan.warmupEvents, plan.events);
    return { perS: r.total / r.seconds, deliveries: r.total, seconds: r.seconds, cpuMsPerDelivery: (r.cpuS * 1000) / r.total, extra: r.outside };
  } finally {
    await child.stop();
  }
}

/**
 * The measured part of both BullMQ runs: `submit` enqueues the run's events (from the load generator or
 * through the service's HTTP ingest) while the clock runs until the receiver has every delivery; the
 * CPU counted is the BullMQ process's and Redis's.
 */
async function measureBullmq(
  child: Child, redis: Redis, receiver: Receiver, plan: ThroughputPlan, submit: () => Promise<void>,
): Promise<ThroughputResult> {
  const total = plan.events * plan.hooksPerEvent;
  const before = await child.call<{ cpuS: number }>('stats');
  const redisBefore = await redisCpuS(redis);
  receiver.reset();
  const harness = harnessMeter();
  const t0 = now();
  let submitted = 0;
  const submitting = submit().then(() => (submitted = now()));
  await receiver.waitFor(total, timeoutFor(total));
  await submitting;
  const seconds = (receiver.lastAt - t0) / 1000;
  const outside = harness(total);
  const after = await child.call<{ cpuS: number }>('stats');
  const redisCpu = (await redisCpuS(redis)) - redisBefore;
  return {
    perS: total / seconds, deliveries: total, seconds,
    cpuMsPerDelivery: ((after.cpuS - before.cpuS + redisCpu) * 1000) / total,
    submitPerS: plan.events / ((submitted - t0) / 1000),
    extra: { redis_cpu_ms_per_delivery: (redisCpu * 1000) / total, ...outside },
  };
}

async function redisCpuS(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return get('used_cpu_sys') + get('used_cpu_user');
}

export async function bullmqThroughput(o: BenchOptions, receiver: Receiver, plan: ThroughputPlan, round: number): Promise<ThroughputResult> {
  const name = `hookline-bench-${process.pid}-${round}`;
  const connection = { ...o.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  const redis = new Redis(connection);
  const hooks = benchHooks(receiver, plan.hooksPerEvent);
  registerSecrets(receiver, hooks);
  const child = spawnChild('bullmq-worker.ts', { BENCH_QUEUE: name, BENCH_CONCURRENCY: String(plan.deliveryConcurrency) });
  try {
    await queue.obliterate({ force: true });
    await child.ready;
    // One job per delivery, enqueued per event with addBulk: what the producer side of such a system does.
    const enqueue = (texts: string[]) =>
      pooled(texts.length, plan.ingestConcurrency, async (e) => {
        const guid = randomUUID();
        await queue.addBulk(hooks.map((hk) => ({
          name: 'push',
          data: { url: hk.url, hookId: hk.id, secret: hk.secret, guid, event: 'push', body: texts[e] },
        })));
      });
    const warm = payloadTexts(0, plan.warmupEvents);
    receiver.reset();
    await enqueue(warm);
    await receiver.waitFor(warm.length * plan.hooksPerEvent, timeoutFor(warm.length * plan.hooksPerEvent));

    const texts = payloadTexts(plan.warmupEvents, plan.events);
    return await measureBullmq(child, redis, receiver, plan, () => enqueue(texts));
  } finally {
    await child.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
}

/** BullMQ behind an HTTP ingest endpoint in the same process as its worker: the same shape as Hookline. */
export async function bullmqServiceThroughput(
  o: BenchOptions, receiver: Receiver, plan: ThroughputPlan, round: number, leanSend = false,
): Promise<ThroughputResult> {
  const name = `hookline-bench-svc-${process.pid}-${round}`;
  const connection = { ...o.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  const redis = new Redis(connection);
  const hooks = benchHooks(receiver, plan.hooksPerEvent);
  registerSecrets(receiver, hooks);
  await queue.obliterate({ force: true });
  const child = spawnChild('bullmq-service.ts', {
    BENCH_QUEUE: name, BENCH_CONCURRENCY: String(plan.deliveryConcurrency), BENCH_TOKEN: ADMIN_TOKEN, BENCH_LEAN_SEND: leanSend ? '1' : '0',
  });
  const { address } = await child.ready;
  const http = new Pool(String(address), { connections: 64, keepAliveTimeout: 60_000 });
  try {
    await child.call('hooks', hooks);
    const post = async (body: string) => {
      const res = await http.request({ method: 'POST', path: '/events', body, headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
      const text = await res.body.text();
      if (res.statusCode !== 202) throw new Error(`bullmq service ingest → ${res.statusCode} ${text.slice(0, 200)}`);
    };
    const envelope = (text: string) => `{"event":"push","repository":"bench/r0","payload":${text}}`;
    const warm = payloadTexts(0, plan.warmupEvents).map(envelope);
    receiver.reset();
    await pooled(warm.length, plan.ingestConcurrency, (i) => post(warm[i]));
    await receiver.waitFor(warm.length * plan.hooksPerEvent, timeoutFor(warm.length * plan.hooksPerEvent));

    const bodies = payloadTexts(plan.warmupEvents, plan.events).map(envelope);
    return await measureBullmq(child, redis, receiver, plan, () => pooled(bodies.length, plan.ingestConcurrency, (i) => post(bodies[i])));
  } finally {
    await http.close().catch(() => undefined);
    await child.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
}
