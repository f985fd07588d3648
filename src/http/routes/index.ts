// Route registration; each resource lives in its own file.
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../route-deps.js';
import { registerAccountRoutes } from './accounts.js';
import { registerAppApiRoutes } from './app-api.js';
import { registerAppProvisioningRoutes } from './apps.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { registerDirectoryRoutes } from './directory.js';
import { registerHealthRoutes } from './health.js';
import { registerHookRoutes, ORG_HOOKS, REPO_HOOKS } from './hooks.js';
import { registerIngestRoutes } from './ingest.js';
import { registerUserAdminRoutes } from './user-admin.js';
import { registerMetaRoutes } from './meta.js';

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerHealthRoutes(app);
  registerAccountRoutes(app, deps);
  registerUserAdminRoutes(app, deps);
  registerDirectoryRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerIngestRoutes(app, deps);
  registerAppProvisioningRoutes(app, deps);
  registerAppApiRoutes(app, deps);
  for (const table of [REPO_HOOKS, ORG_HOOKS]) {
    registerHookRoutes(app, deps, table);
    registerDeliveryRoutes(app, deps, table);
  }
}
