// The job handler both BullMQ baselines run: sign the body and POST it with undici, as a team would
// write it by hand. The return value is kept with the completed job: the "delivery log" of such a system.
import { Agent, request } from 'undici';
import { dialTarget, requestTimeout } from './compiled.js';
import { deliveryHeaders } from '../payload.js';

/** One delivery job as the producer enqueues it. */
export interface DeliveryJob {
  url: string;
  hookId: number;
  secret: string;
  guid: string;
  event: string;
  body: string;
}

export const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
export const connection = {
  host: process.env.BENCH_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT ?? 6379), maxRetriesPerRequest: null,
};
export const workerOptions = { connection, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64) };

/**
 * BENCH_LEAN_SEND=1: send the way Hookline does (the agent with a pre-parsed origin and path, its
 * request timeout) instead of the idiomatic request(url) with AbortSignal.timeout(), to show how much of
 * the gap is the sending code alone.
 */
const lean = process.env.BENCH_LEAN_SEND === '1';
const targets = new Map<string, { origin: string; path: string }>();

export async function deliverJob(job: { data: DeliveryJob }) {
  const d = job.data;
  const body = Buffer.from(d.body, 'utf8');
  const started = performance.now();
  const headers = deliveryHeaders({ id: d.hookId, url: d.url, secret: d.secret }, d.guid, d.event, body);
  const timeout = lean ? requestTimeout(10_000) : null;
  try {
    const res = timeout ? await leanRequest(d.url, body, headers, timeout.signal) : await request(d.url, {
      method: 'POST', body, dispatcher: agent, signal: AbortSignal.timeout(10_000), headers,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`Invalid HTTP Response: ${res.statusCode}`);
    return { status: res.statusCode, duration: (performance.now() - started) / 1000, response: text.slice(0, 1024) };
  } finally {
    timeout?.clear();
  }
}

function leanRequest(url: string, body: Buffer, headers: Record<string, string>, signal: AbortSignal) {
  let target = targets.get(url);
  if (!target) targets.set(url, (target = dialTarget(new URL(url))));
  return agent.request({ origin: target.origin, path: target.path, method: 'POST', body, headers, signal });
}
