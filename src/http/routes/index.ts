// Route registration; each resource lives in its own file.
import type { FastifyInstance } from 'fastify';
import type { AccessService } from '../../services/access.js';
import type { AppAccess } from '../../services/app-access.js';
import type { AppManifestService } from '../../services/app-manifests.js';
import type { AppTokenService } from '../../services/app-tokens.js';
import type { AppService } from '../../services/apps.js';
import type { AccountService } from '../../services/accounts.js';
import type { DeliveryService } from '../../services/deliveries.js';
import type { EventService } from '../../services/events.js';
import type { HookService } from '../../services/hooks.js';
import type { UserAdminService } from '../../services/user-admin.js';
import type { Urls } from '../../services/shapes.js';
import { registerAccountRoutes } from './accounts.js';
import { registerAppApiRoutes } from './app-api.js';
import { registerAppProvisioningRoutes } from './apps.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { registerHealthRoutes } from './health.js';
import { registerHookRoutes, ORG_HOOKS, REPO_HOOKS } from './hooks.js';
import { registerIngestRoutes } from './ingest.js';
import { registerUserAdminRoutes } from './user-admin.js';

/** Everything route handlers need: services and the public URLs. */
export interface RouteDeps {
  services: {
    access: AccessService;
    accounts: AccountService;
    hooks: HookService;
    deliveries: DeliveryService;
    events: EventService;
    apps: AppService;
    appManifests: AppManifestService;
    appTokens: AppTokenService;
    appAccess: AppAccess;
    userAdmin: UserAdminService;
  };
  urls: Urls;
  /** Bytes of event bodies that may be ingested at once (HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT). */
  ingestBytesInFlight: number;
}

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerHealthRoutes(app);
  registerAccountRoutes(app, deps);
  registerUserAdminRoutes(app, deps);
  registerIngestRoutes(app, deps);
  registerAppProvisioningRoutes(app, deps);
  registerAppApiRoutes(app, deps);
  for (const table of [REPO_HOOKS, ORG_HOOKS]) {
    registerHookRoutes(app, deps, table);
    registerDeliveryRoutes(app, deps, table);
  }
}
