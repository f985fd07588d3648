// Wires configuration, storage, services, the HTTP server and the delivery worker. Never listens.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { buildServer } from './http/server.js';
import { resolveSecretKey } from './secret-key.js';
import { AccessService } from './services/access.js';
import { AccountService } from './services/accounts.js';
import { HookService } from './services/hooks.js';
import { createSecretBox } from './services/secret-box.js';
import { urlsFor } from './services/shapes.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/store.js';

export interface AppOptions {
  config: Config;
  store?: Store;
  clock?: Clock;
  logger?: FastifyBaseLogger | boolean;
}

/** A wired application: the HTTP server (not listening) and the pieces tests reach into. */
export interface App {
  http: FastifyInstance;
  store: Store;
  /** Set when this start generated the site administrator's token (print it once). */
  generatedAdminToken: string | null;
  close(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(config.databaseUrl));
  const box = createSecretBox(resolveSecretKey(config));
  const urls = urlsFor(config.publicUrl);

  const access = new AccessService(store);
  const accounts = new AccountService(store, access, clock);
  const hooks = new HookService({ store, box, clock, allowedHosts: config.allowedHosts, maxHooksPerEvent: config.maxHooksPerEvent });
  const { generatedToken } = await accounts.ensureSiteAdmin(config.adminToken);

  const http = buildServer({
    logger: options.logger ?? false,
    bodyLimitBytes: config.bodyLimitBytes,
    services: { access, accounts, hooks },
    urls,
  });

  return {
    http,
    store,
    generatedAdminToken: generatedToken,
    async close() {
      await http.close();
      await store.close();
    },
  };
}
