// The only module that reads process.env. Defaults → environment → CLI flags, validated once and frozen.
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { parseAllowedHosts, type AllowedHosts } from './domain/address-policy.js';
import {
  DEFAULT_DISABLE_AFTER, DEFAULT_RETRY_SCHEDULE, parseDisableAfter, parseRetrySchedule, type RetrySchedule,
} from './domain/delivery-policy.js';

/** A DNS host name (letters, digits, inner hyphens; dot-separated labels; optional trailing dot). */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/** Validated, immutable runtime configuration. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** The site administrator's token, when given in the environment (otherwise generated and stored). */
  readonly adminToken: string | null;
  readonly publicUrl: string;
  readonly allowedHosts: AllowedHosts;
  readonly deliveryTimeoutMs: number;
  /** How long a claimed delivery stays with its worker; after a crash it is claimable again past this. */
  readonly deliveryLeaseMs: number;
  /** 32-byte key that encrypts hook secrets; null means "load or generate the stored one". */
  readonly secretKey: Buffer | null;
  readonly deliveryRetentionDays: number;
  readonly deliveryConcurrency: number;
  /** Deliveries one hook may have in flight at once, across all workers (on SQLite: of this process). */
  readonly deliveryConcurrencyPerHook: number;
  /** Deliveries the hooks of one owner (account or App) may have in flight at once, across all workers. */
  readonly deliveryConcurrencyPerOwner: number;
  /** How often a worker refreshes its heartbeat; one silent for three of these is dead and its leases are freed. */
  readonly workerHeartbeatMs: number;
  /** Largest accepted API request body, in bytes (the event-ingest route has its own 25 MB cap). */
  readonly bodyLimitBytes: number;
  /** Bytes of event bodies ingested at once; beyond it POST /hookline/events answers 503 with Retry-After. */
  readonly ingestBytesInFlight: number;
  /** Hooks allowed per event per repository or organization (GitHub.com: 20, GHES: 250). */
  readonly maxHooksPerEvent: number;
  readonly runWorker: boolean;
  /** fastify/pino log level for `serve` and `worker`. */
  readonly logLevel: string;
  /** Where the generated key, admin token and self-signed certificate are kept (HOOKLINE_DATA_DIR). */
  readonly dataDir: string;
  /** Port of the unauthenticated /metrics and /healthz listener; null when there is none. */
  readonly metricsPort: number | null;
  /** Waits before automatic attempts 2, 3, …; empty: one attempt, as GitHub. */
  readonly retrySchedule: RetrySchedule;
  /** A hook failing every attempt for this long (ms) is deactivated; null: never. */
  readonly disableAfterMs: number | null;
  /** HOOKLINE_DISABLE_AFTER as given, for the message that names the window. */
  readonly disableAfterText: string;
  /** PEM files to serve HTTPS with; `selfSigned` pairs are generated in dataDir when missing. */
  readonly tls: TlsFiles | null;
}

/** Certificate and private key files (PEM). */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly selfSigned: boolean;
}

/** Thrown with every invalid setting listed, so one start reports all of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Source = Record<string, string | undefined>;

/** Choices only the command line makes (`serve --tls`). */
export interface CommandOptions {
  selfSignedTls?: boolean;
}

export function loadConfig(env: Source = process.env, overrides: Source = {}, extra: Partial<Config> = {}, command: CommandOptions = {}): Config {
  const src: Source = { ...env, ...overrides };
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = src[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = (src.HOST ?? '').trim() || '127.0.0.1';
  const hostValid = isIP(host) !== 0 || HOST_NAME.test(host);
  if (!hostValid) problems.push(`HOST must be an IP address or a host name, got "${host}"`);
  const databaseUrl = (src.HOOKLINE_DATABASE_URL ?? '').trim() || 'sqlite:./data/hookline.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    problems.push(`HOOKLINE_DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres://…, got "${databaseUrl}"`);
  }

  const adminToken = src.HOOKLINE_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 16) {
    problems.push('HOOKLINE_ADMIN_TOKEN must be at least 16 characters');
  }

  // A file database keeps its companions beside it unless told otherwise; other databases use ./data.
  const sqliteFile = /^sqlite:(?!:memory:$)(.+)$/.exec(databaseUrl)?.[1];
  const dataDir = (src.HOOKLINE_DATA_DIR ?? '').trim() || (sqliteFile ? dirname(sqliteFile) : './data');
  const tls = tlsFiles(src, dataDir, command, problems);

  const urlHost = host.includes(':') ? `[${host}]` : host;
  const givenPublicUrl = (src.HOOKLINE_PUBLIC_URL ?? '').trim();
  let publicUrl = givenPublicUrl || `${tls ? 'https' : 'http'}://${urlHost}:${port}`;
  try {
    const parsed = new URL(publicUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    // A default derived from a bad HOST is already reported as that HOST.
    if (givenPublicUrl || hostValid) problems.push(`HOOKLINE_PUBLIC_URL must be an absolute http(s) URL, got "${publicUrl}"`);
  }

  let allowedHosts: AllowedHosts = parseAllowedHosts('external');
  try {
    allowedHosts = parseAllowedHosts(src.HOOKLINE_ALLOWED_HOSTS?.trim() || 'external');
  } catch (err) {
    problems.push(`HOOKLINE_ALLOWED_HOSTS: ${(err as Error).message}`);
  }

  let secretKey: Buffer | null = null;
  const rawKey = src.HOOKLINE_SECRET_KEY?.trim();
  if (rawKey) {
    secretKey = decodeKey(rawKey);
    if (!secretKey) problems.push('HOOKLINE_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  }

  const deliveryTimeoutMs = int('HOOKLINE_DELIVERY_TIMEOUT_MS', 10_000, 1, 600_000);
  // The lease must outlast the longest request, or a live worker's row could be claimed twice.
  const deliveryLeaseMs = int('HOOKLINE_DELIVERY_LEASE_MS', deliveryTimeoutMs + 30_000, 1, 3_600_000);
  if (deliveryLeaseMs <= deliveryTimeoutMs) {
    problems.push(`HOOKLINE_DELIVERY_LEASE_MS (${deliveryLeaseMs}) must be longer than HOOKLINE_DELIVERY_TIMEOUT_MS (${deliveryTimeoutMs})`);
  }

  const logLevel = (src.HOOKLINE_LOG_LEVEL ?? '').trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`HOOKLINE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }

  const retryText = (src.HOOKLINE_RETRY_SCHEDULE ?? '').trim() || DEFAULT_RETRY_SCHEDULE;
  const retrySchedule = parseRetrySchedule(retryText);
  if (typeof retrySchedule === 'string') problems.push(`HOOKLINE_RETRY_SCHEDULE ${retrySchedule}`);
  const disableAfterText = (src.HOOKLINE_DISABLE_AFTER ?? '').trim() || DEFAULT_DISABLE_AFTER;
  const disableAfterMs = parseDisableAfter(disableAfterText);
  if (typeof disableAfterMs === 'string') problems.push(`HOOKLINE_DISABLE_AFTER ${disableAfterMs}`);

  const config: Config = {
    port,
    host,
    databaseUrl,
    adminToken,
    publicUrl,
    allowedHosts,
    deliveryTimeoutMs,
    deliveryLeaseMs,
    secretKey,
    deliveryRetentionDays: int('HOOKLINE_DELIVERY_RETENTION_DAYS', 7, 1, 3650),
    // A request waiting on a slow receiver costs a socket and some memory, not CPU: the default is high
    // so slow receivers cannot fill it; the per-hook and per-owner caps share it out.
    deliveryConcurrency: int('HOOKLINE_DELIVERY_CONCURRENCY', 1024, 1, 100_000),
    deliveryConcurrencyPerHook: int('HOOKLINE_DELIVERY_CONCURRENCY_PER_HOOK', 16, 1, 100_000),
    deliveryConcurrencyPerOwner: int('HOOKLINE_DELIVERY_CONCURRENCY_PER_OWNER', 128, 1, 100_000),
    workerHeartbeatMs: int('HOOKLINE_WORKER_HEARTBEAT_MS', 5000, 50, 600_000),
    bodyLimitBytes: int('HOOKLINE_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    ingestBytesInFlight: int('HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT', 64 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
    maxHooksPerEvent: int('HOOKLINE_MAX_HOOKS_PER_EVENT', 20, 1, 10_000),
    runWorker: true,
    logLevel,
    dataDir,
    tls,
    metricsPort: (src.HOOKLINE_METRICS_PORT ?? '').trim() === '' ? null : int('HOOKLINE_METRICS_PORT', 0, 0, 65535),
    retrySchedule: typeof retrySchedule === 'string' ? [] : retrySchedule,
    disableAfterMs: typeof disableAfterMs === 'string' ? null : disableAfterMs,
    disableAfterText,
    ...extra,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY (both or neither), else the self-signed pair of `serve --tls`. */
function tlsFiles(src: Source, dataDir: string, command: CommandOptions, problems: string[]): TlsFiles | null {
  const cert = (src.HOOKLINE_TLS_CERT ?? '').trim();
  const key = (src.HOOKLINE_TLS_KEY ?? '').trim();
  if (cert && key) return { cert, key, selfSigned: false };
  if (cert || key) {
    problems.push(`HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY must be set together (only ${cert ? 'HOOKLINE_TLS_CERT' : 'HOOKLINE_TLS_KEY'} is)`);
    return null;
  }
  if (!command.selfSignedTls) return null;
  return { cert: join(dataDir, 'tls', 'cert.pem'), key: join(dataDir, 'tls', 'key.pem'), selfSigned: true };
}

/** Accepts a 32-byte key as hex or base64; null when it is neither. */
export function decodeKey(raw: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  const b = Buffer.from(raw, 'base64');
  return b.length === 32 ? b : null;
}
