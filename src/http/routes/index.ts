// Route registration; each resource lives in its own file.
import type { FastifyInstance } from 'fastify';
import type { AccessService } from '../../services/access.js';
import type { AccountService } from '../../services/accounts.js';
import type { DeliveryService } from '../../services/deliveries.js';
import type { DirectoryService } from '../../services/directory.js';
import type { EventService } from '../../services/events.js';
import type { HookService } from '../../services/hooks.js';
import type { Urls } from '../../services/shapes.js';
import { registerAccountRoutes } from './accounts.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { registerDirectoryRoutes } from './directory.js';
import { registerHealthRoutes } from './health.js';
import { registerHookRoutes, ORG_HOOKS, REPO_HOOKS } from './hooks.js';
import { registerIngestRoutes } from './ingest.js';
import { registerMetaRoutes } from './meta.js';

/** Everything route handlers need: services and the public URLs. */
export interface RouteDeps {
  services: {
    access: AccessService;
    accounts: AccountService;
    hooks: HookService;
    deliveries: DeliveryService;
    events: EventService;
    directory: DirectoryService;
  };
  urls: Urls;
}

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerHealthRoutes(app);
  registerAccountRoutes(app, deps);
  registerDirectoryRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerIngestRoutes(app, deps);
  for (const table of [REPO_HOOKS, ORG_HOOKS]) {
    registerHookRoutes(app, deps, table);
    registerDeliveryRoutes(app, deps, table);
  }
}
