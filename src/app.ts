// Wires configuration, storage, services, the HTTP server and the delivery worker. Never listens.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { DeliveryPruner } from './delivery/pruner.js';
import { createSender } from './delivery/send.js';
import { DeliveryWorker } from './delivery/worker.js';
import { systemClock, type Clock } from './domain/clock.js';
import { buildServer } from './http/server.js';
import { checkKeyFingerprint, resolveSecretKey, type SecretKey } from './secret-key.js';
import { databaseStartupError } from './startup-error.js';
import { readTls } from './tls.js';
import { AccessService } from './services/access.js';
import { AccountService, type AdminTokenSource } from './services/accounts.js';
import { DeliveryService } from './services/deliveries.js';
import { DirectoryService } from './services/directory.js';
import { EventService, type DeliverySignal } from './services/events.js';
import { HookService } from './services/hooks.js';
import { createSecretBox } from './services/secret-box.js';
import { urlsFor } from './services/shapes.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/store.js';

export interface AppOptions {
  config: Config;
  store?: Store;
  clock?: Clock;
  /** Fastify logger options: false (silent, the default), true, or e.g. `{ level: 'info' }`. */
  logger?: boolean | { level: string };
  /** Make a site administrator token when none is configured or stored (API processes; not workers). */
  generateAdminToken?: boolean;
}

/** A wired application: the HTTP server (not listening), the worker (if this process runs one), and the store. */
export interface App {
  http: FastifyInstance;
  worker: DeliveryWorker | null;
  /** Deletes deliveries past the retention window (null when this process runs no worker). */
  pruner: DeliveryPruner | null;
  store: Store;
  /** Set when this start generated the site administrator's token (print it once). */
  generatedAdminToken: string | null;
  /** Which site administrator token is in force (never the token itself). */
  adminTokenSource: AdminTokenSource;
  /** Whether `token` is the site administrator's token in force. */
  isAdminToken(token: string): boolean;
  /** Where the key that encrypts hook secrets came from. */
  secretKey: Omit<SecretKey, 'key'>;
  /** Starts the worker, its cross-process wake-ups and the pruner (when the configuration runs a worker). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(config.databaseUrl).catch((err) => { throw databaseStartupError(config.databaseUrl, err); }));
  const secretKey = resolveSecretKey(config);
  await checkKeyFingerprint(store, secretKey).catch(async (err) => {
    if (!options.store) await store.close();
    throw err;
  });
  const box = createSecretBox(secretKey.key);
  const urls = urlsFor(config.publicUrl);
  const sender = createSender({ allowedHosts: config.allowedHosts, timeoutMs: config.deliveryTimeoutMs });
  // The worker is created after the HTTP server (it logs through the server's logger); wake-ups reach it lazily.
  let worker: DeliveryWorker | null = null;
  const signal: DeliverySignal = { notify: () => worker?.queued(), eagerClaim: () => worker?.eager };

  const access = new AccessService(store);
  const accounts = new AccountService(store, access, clock);
  const hooks = new HookService({ store, box, clock, allowedHosts: config.allowedHosts, maxHooksPerEvent: config.maxHooksPerEvent });
  const events = new EventService(store, access, clock, urls, signal);
  const deliveries = new DeliveryService(store, hooks, clock, signal);
  hooks.onCreated((hook, scope, actor) => events.ping(scope, hook, actor));
  const { generatedToken, source: adminTokenSource } = await accounts.ensureSiteAdmin(config.adminToken, options.generateAdminToken ?? true);

  const http = buildServer({
    logger: options.logger ?? false,
    bodyLimitBytes: config.bodyLimitBytes,
    https: config.tls ? readTls(config.tls) : null,
    services: { access, accounts, hooks, deliveries, events, directory: new DirectoryService(store, access) },
    urls,
  });
  const logger = http.log;

  const open = (sealed: string | null) => (sealed === null ? null : box.open(sealed));
  if (config.runWorker) {
    worker = new DeliveryWorker({
      store, sender, clock, logger,
      concurrency: config.deliveryConcurrency,
      perHook: config.deliveryConcurrencyPerHook,
      leaseMs: config.deliveryLeaseMs,
      secretsOf: (hook) => ({ secret: open(hook.config.secret), username: open(hook.config.username), password: open(hook.config.password) }),
    });
  }
  const pruner = config.runWorker ? new DeliveryPruner(store, clock, config.deliveryRetentionDays, logger) : null;

  let unlisten: () => Promise<void> = async () => undefined;
  let closing: Promise<void> | null = null;
  return {
    http,
    worker,
    pruner,
    store,
    generatedAdminToken: generatedToken,
    adminTokenSource,
    isAdminToken: (token) => access.isSiteAdminToken(token),
    secretKey: { source: secretKey.source, path: secretKey.path },
    async start() {
      if (!worker) return;
      worker.start();
      pruner?.start();
      if (store.capabilities.multiProcess) unlisten = await store.listenForDue(() => worker?.queued());
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };

  async function closeAll(): Promise<void> {
    pruner?.stop();
    await unlisten();
    await http.close();
    await worker?.stop();
    await sender.close();
    await store.close();
  }
}
