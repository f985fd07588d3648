// Wires configuration, storage, services, the HTTP server and the delivery worker. Never listens.
// `buildApp` is the API (with the worker when the configuration runs one); `buildWorkerApp` is the
// worker and pruner alone, with no HTTP server (`hookline worker`).
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { DeliveryLog } from './delivery/delivery-log.js';
import { DeliveryPruner } from './delivery/pruner.js';
import { createSender, type Sender } from './delivery/send.js';
import { sendOnce } from './delivery/send-once.js';
import { DeliveryWorker } from './delivery/worker.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { HookRecord } from './domain/model.js';
import { buildMetricsServer } from './http/metrics.js';
import { buildServer } from './http/server.js';
import { createLogger, type Logger, type LoggerOption } from './logger.js';
import { Metrics } from './metrics/metrics.js';
import { checkKeyFingerprint, resolveSecretKey, type SecretKey } from './secret-key.js';
import { AccessService } from './services/access.js';
import { AccountService, type AdminTokenSource } from './services/accounts.js';
import { wireApps } from './services/app-wiring.js';
import { DashboardService } from './services/dashboard.js';
import { databaseStartupError } from './startup-error.js';
import { readTls } from './tls.js';
import { DeliveryService } from './services/deliveries.js';
import { DirectoryService } from './services/directory.js';
import { EventService, type DeliverySignal } from './services/events.js';
import { HookService } from './services/hooks.js';
import { metaDeletedPayload, wantsMeta } from './services/meta.js';
import { createSecretBox, type SecretBox } from './services/secret-box.js';
import { urlsFor } from './services/shapes.js';
import { UserAdminService } from './services/user-admin.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/store.js';

export interface AppOptions {
  config: Config;
  store?: Store;
  clock?: Clock;
  /** Logger options: false (silent, the default), true, or e.g. `{ level: 'info' }` (credentials are redacted). */
  logger?: LoggerOption;
  /** Make a site administrator token when none is configured or stored (true by default). */
  generateAdminToken?: boolean;
}

/** The delivery side of a process: the worker and pruner (when the configuration runs them) and the store. */
export interface WorkerApp {
  worker: DeliveryWorker | null;
  /** Deletes deliveries past the retention window (null when this process runs no worker). */
  pruner: DeliveryPruner | null;
  store: Store;
  logger: Logger;
  /** Logs failed deliveries and a summary each minute with traffic (null when this process runs no worker). */
  deliveryLog: DeliveryLog | null;
  /** The unauthenticated /metrics and /healthz listener, when HOOKLINE_METRICS_PORT is set (not listening). */
  metricsHttp: FastifyInstance | null;
  /** Where the key that encrypts hook secrets came from. */
  secretKey: Omit<SecretKey, 'key'>;
  /** Starts the worker, its cross-process wake-ups and the pruner (when the configuration runs a worker). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A wired application: the HTTP server (not listening) beside the delivery side. */
export interface App extends WorkerApp {
  http: FastifyInstance;
  services: { access: AccessService; accounts: AccountService; hooks: HookService; deliveries: DeliveryService; events: EventService };
  /** Set when this start generated the site administrator's token (print it once). */
  generatedAdminToken: string | null;
  /** Which site administrator token is in force (never the token itself). */
  adminTokenSource: AdminTokenSource;
  /** Whether `token` is the site administrator's token in force. */
  isAdminToken(token: string): boolean;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = createLogger(options.logger ?? false);
  const { store, secretKey } = await openChecked(options);
  const box = createSecretBox(secretKey.key);
  const urls = urlsFor(config.publicUrl);
  const metrics = new Metrics(store, clock);
  const { app: delivery, sendOnce: sendNow } = deliverySide(config, store, secretKey, clock, logger, metrics);
  const signal: DeliverySignal = { notify: () => delivery.worker?.queued() };

  const access = new AccessService(store);
  const accounts = new AccountService(store, access, clock);
  const hooks = new HookService({ store, box, clock, allowedHosts: config.allowedHosts, maxHooksPerEvent: config.maxHooksPerEvent });
  const events = new EventService(store, access, clock, urls, signal);
  const deliveries = new DeliveryService(store, hooks, clock, signal);
  hooks.onCreated((hook, scope, actor) => events.ping(scope, hook, actor));
  // `meta` goes to the deleted hook itself, which has no row left to queue for: one attempt, not awaited.
  hooks.onDeleted(async (hook, scope, actor) => {
    if (!wantsMeta(hook)) return;
    void sendNow(hook, 'meta', 'deleted', JSON.stringify(metaDeletedPayload(hook, scope, actor, urls)))
      .then((r) => logger.info({ hook: hook.id, status: r.statusCode }, 'meta event sent to the deleted hook'))
      .catch((err) => logger.warn({ err, hook: hook.id }, 'meta event could not be sent'));
  });
  events.onAccepted((event) => metrics.eventAccepted(event));
  const appServices = wireApps(store, access, hooks, events, clock, urls);
  const { generatedToken, source: adminTokenSource } = await accounts.ensureSiteAdmin(config.adminToken, options.generateAdminToken ?? true);
  const services = {
    access, accounts, hooks, deliveries, events, ...appServices,
    userAdmin: new UserAdminService(store, access, clock), directory: new DirectoryService(store, access),
  };
  const http = buildServer({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    https: config.tls ? readTls(config.tls) : null,
    services,
    urls,
    ingestBytesInFlight: config.ingestBytesInFlight,
    metrics,
    dashboard: new DashboardService(store, access, hooks, clock),
    csrfKey: createHmac('sha256', secretKey.key).update('hookline dashboard csrf').digest(),
  });

  return {
    ...delivery,
    http,
    services,
    generatedAdminToken: generatedToken,
    adminTokenSource,
    isAdminToken: (token) => access.isSiteAdminToken(token),
    // The server stops taking requests before the worker and the store go.
    close: once(async () => {
      await http.close();
      await delivery.close();
    }),
  };
}

/** The worker and pruner alone: no HTTP server, no services. */
export async function buildWorkerApp(options: AppOptions): Promise<WorkerApp> {
  const { config } = options;
  const { store, secretKey } = await openChecked(options);
  const clock = options.clock ?? systemClock;
  const logger = createLogger(options.logger ?? false);
  return deliverySide({ ...config, runWorker: true }, store, secretKey, clock, logger, new Metrics(store, clock)).app;
}

/** The store, and the secret key once the database has confirmed it is the key its secrets were sealed with. */
async function openChecked(options: AppOptions): Promise<{ store: Store; secretKey: SecretKey }> {
  const { config } = options;
  const store = options.store ?? (await openStore(config.databaseUrl).catch((err) => { throw databaseStartupError(config.databaseUrl, err); }));
  const secretKey = resolveSecretKey(config);
  await checkKeyFingerprint(store, secretKey).catch(async (err) => {
    if (!options.store) await store.close();
    throw err;
  });
  return { store, secretKey };
}

function deliverySide(config: Config, store: Store, secretKey: SecretKey, clock: Clock, logger: Logger, metrics: Metrics) {
  const box = createSecretBox(secretKey.key);
  const sender: Sender = createSender({ allowedHosts: config.allowedHosts, timeoutMs: config.deliveryTimeoutMs });
  const open = (sealed: string | null) => (sealed === null ? null : box.open(sealed));
  const worker = config.runWorker
    ? new DeliveryWorker({
      store, sender, clock, logger,
      concurrency: config.deliveryConcurrency,
      perHook: config.deliveryConcurrencyPerHook,
      perOwner: config.deliveryConcurrencyPerOwner,
      heartbeatMs: config.workerHeartbeatMs,
      leaseMs: config.deliveryLeaseMs,
      retries: { schedule: config.retrySchedule, disableAfterMs: config.disableAfterMs, disableAfterText: config.disableAfterText },
      secretsOf: (hook) => secretsOf(hook),
    })
    : null;
  const deliveryLog = worker ? new DeliveryLog(logger, store, clock) : null;
  if (deliveryLog) worker?.onAttempt(deliveryLog.attempt);
  if (worker) metrics.countThrottledBy(() => worker.circuits.size);
  worker?.onAttempt((a) => metrics.recordAttempt({ outcome: a.success ? 'success' : 'failure', attemptKind: a.kind, durationSeconds: a.durationSeconds }));
  const metricsHttp = config.metricsPort === null ? null : buildMetricsServer(metrics);
  const pruner = config.runWorker ? new DeliveryPruner(store, clock, config.deliveryRetentionDays, logger) : null;
  let unlisten: () => Promise<void> = async () => undefined;
  const secretsOf = (hook: HookRecord) => ({ secret: open(hook.config.secret), username: open(hook.config.username), password: open(hook.config.password) });
  const app: WorkerApp = {
    worker,
    pruner,
    store,
    logger,
    metricsHttp,
    deliveryLog,
    secretKey: { source: secretKey.source, path: secretKey.path },
    async start() {
      if (!worker) return;
      worker.start();
      pruner?.start();
      deliveryLog?.start();
      if (store.capabilities.multiProcess) unlisten = await store.listenForDue(() => worker.queued());
    },
    close: once(async () => {
      await metricsHttp?.close();
      pruner?.stop();
      deliveryLog?.stop();
      await unlisten();
      await worker?.stop();
      await sender.close();
      await store.close();
    }),
  };
  return { app, sendOnce: (hook: HookRecord, event: string, action: string | null, payload: string) => sendOnce({ sender, secretsOf }, hook, event, action, payload) };
}

/** Runs `work` the first time it is called; later calls get the same promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= work());
}
