// Sends prepared requests with undici: keep-alive pools per origin, no redirects, a hard timeout, TLS
// verified unless the hook opts out, and the dialled address checked against HOOKLINE_ALLOWED_HOSTS
// after DNS resolution, so a name resolving to a refused address is never contacted.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { refusedAddress, type AllowedHosts } from '../domain/address-policy.js';
import { rememberBounded } from '../bounded-map.js';
import type { PreparedRequest } from './prepare.js';

/** Response bodies are recorded up to this many bytes; the rest is discarded. */
export const RESPONSE_BODY_CAP = 64 * 1024;

/** What one attempt produced, in GitHub's vocabulary. */
/** The status of a request the receiver did not answer in time (GitHub's wording). */
export const TIMED_OUT = 'timed out';

export interface SendResult {
  status: string;
  statusCode: number;
  duration: number;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

/** A hook URL as the sender dials it. */
interface Target {
  origin: string;
  path: string;
  refused: string | null;
}

/**
 * A whole-request timeout: `signal` aborts with a TimeoutError after `ms`; `clear()` when the request
 * ends, so a finished request holds no timer for the rest of its timeout (AbortSignal.timeout would).
 */
export function requestTimeout(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out', 'TimeoutError')), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Where undici dials for a URL, as its request(url) would derive it (user-info and fragment dropped). */
export function dialTarget(url: URL): { origin: string; path: string } {
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

class RefusedAddress extends Error {
  readonly code = 'EHOOKLINE_REFUSED';
}

export interface Sender {
  send(req: PreparedRequest): Promise<SendResult>;
  close(): Promise<void>;
}

export function createSender(opts: { allowedHosts: AllowedHosts; timeoutMs: number; connectionsPerOrigin?: number }): Sender {
  const policy = opts.allowedHosts;

  /** DNS lookup that drops refused addresses and fails when none is left. */
  const guardedLookup = (hostname: string, options: LookupOptions, callback: (...args: any[]) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const allowed = addresses.filter((a) => refusedAddress(policy, a.address, hostname) === null);
      if (allowed.length === 0) {
        const first = addresses[0]?.address ?? hostname;
        return callback(new RefusedAddress(`${first} is ${refusedAddress(policy, first, hostname)}, refused by HOOKLINE_ALLOWED_HOSTS`));
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };

  const agentFor = (rejectUnauthorized: boolean) =>
    new Agent({
      connect: { lookup: guardedLookup as never, rejectUnauthorized, timeout: opts.timeoutMs },
      connections: opts.connectionsPerOrigin ?? 128,
      keepAliveTimeout: 30_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  /**
   * Per URL, parsed once: where undici dials (origin and path, so it does not parse the URL per request)
   * and why its literal IP address is refused, or null (names are judged after DNS instead).
   */
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      const refused = isIP(host) ? refusedAddress(policy, host) : null;
      target = {
        ...dialTarget(parsed),
        refused: refused === null ? null : `${host} is ${refused}, refused by HOOKLINE_ALLOWED_HOSTS`,
      };
      rememberBounded(targets, url, target, 10_000);
    }
    return target;
  };
  const secure = agentFor(true);
  const insecure = agentFor(false);

  return {
    async send(req) {
      const started = performance.now();
      // The whole request, answer included, is bounded by the timeout and ends as TIMED_OUT.
      const timeout = requestTimeout(opts.timeoutMs);
      try {
        // Literal IP addresses never go through DNS lookup, so they are judged here (once per URL).
        const target = targetOf(req.url);
        if (target.refused !== null) throw new RefusedAddress(target.refused);
        const dispatcher = req.insecureSsl ? insecure : secure;
        const res = await dispatcher.request({
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers: req.headers,
          body: req.body,
          signal: timeout.signal,
        });
        // A short body of known length is read in one go; anything else is streamed up to the cap.
        const length = Number(res.headers['content-length']);
        const body = length <= RESPONSE_BODY_CAP ? await res.body.text() : await readCapped(res.body);
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        return {
          status: ok ? 'OK' : `Invalid HTTP Response: ${res.statusCode}`,
          statusCode: res.statusCode,
          duration: secondsSince(started),
          responseHeaders: flattenHeaders(res.headers),
          responseBody: body,
        };
      } catch (err) {
        return { ...describeFailure(err), duration: secondsSince(started), responseHeaders: null, responseBody: null };
      } finally {
        timeout.clear();
      }
    },
    async close() {
      await Promise.all([secure.close(), insecure.close()]);
    },
  };
}

/** Seconds since `started` (a performance.now() reading), to the hundredth, as GitHub reports durations. */
function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 10) / 100;
}

/**
 * Reads a body of unknown length (chunked, as many receivers answer) up to the cap. Listening for
 * 'data' costs a fraction of `for await` over the stream, which showed in the delivery path.
 */
function readCapped(body: NodeJS.ReadableStream & { destroy(): void }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_CAP).toString('utf8'));
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_BODY_CAP) {
        body.removeAllListeners('data');
        body.destroy(); // stop reading a huge (or endless) body; the connection is dropped
        done();
      }
    });
    body.once('end', done);
    body.on('error', reject);
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Maps transport errors onto GitHub's delivery status strings (and the codes its captures show). */
export function describeFailure(err: unknown): { status: string; statusCode: number } {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'EHOOKLINE_REFUSED') return { status: `failed to connect to host: ${e.message}`, statusCode: 502 };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(code)) return { status: TIMED_OUT, statusCode: 504 };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return { status: 'failed to connect to host', statusCode: 502 };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/.test(code)) {
    return { status: 'Peer certificate cannot be authenticated with given CA certificates', statusCode: 502 };
  }
  if (/^ERR_SSL|EPROTO/.test(code)) return { status: `SSL connect error`, statusCode: 502 };
  return { status: 'failed to connect to network', statusCode: 502 };
}
