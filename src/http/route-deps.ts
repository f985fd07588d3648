// What route handlers get: the services and the public URLs (its own module, so routes and the
// server import it without importing each other).
import type { AccessService } from '../services/access.js';
import type { AccountService } from '../services/accounts.js';
import type { AppAccess } from '../services/app-access.js';
import type { AppManifestService } from '../services/app-manifests.js';
import type { AppTokenService } from '../services/app-tokens.js';
import type { AppService } from '../services/apps.js';
import type { DeliveryService } from '../services/deliveries.js';
import type { DirectoryService } from '../services/directory.js';
import type { EventService } from '../services/events.js';
import type { HookService } from '../services/hooks.js';
import type { Urls } from '../services/shapes.js';
import type { UserAdminService } from '../services/user-admin.js';

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
    directory: DirectoryService;
  };
  urls: Urls;
  /** Bytes of event bodies that may be ingested at once (HOOKLINE_INGEST_MAX_BYTES_IN_FLIGHT). */
  ingestBytesInFlight: number;
}
