// What route handlers get: the services and the public URLs (its own module, so routes and the
// server import it without importing each other).
import type { AccessService } from '../services/access.js';
import type { AccountService } from '../services/accounts.js';
import type { DeliveryService } from '../services/deliveries.js';
import type { EventService } from '../services/events.js';
import type { HookService } from '../services/hooks.js';
import type { Urls } from '../services/shapes.js';

/** Everything route handlers need: services and the public URLs. */
export interface RouteDeps {
  services: {
    access: AccessService;
    accounts: AccountService;
    hooks: HookService;
    deliveries: DeliveryService;
    events: EventService;
  };
  urls: Urls;
}
