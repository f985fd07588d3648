// The GitHub App services, wired to the rest: ingested events are copied to installed Apps.
import type { Clock } from '../domain/clock.js';
import type { Store } from '../storage/store.js';
import type { AccessService } from './access.js';
import { AppAccess } from './app-access.js';
import { AppDeliveries } from './app-deliveries.js';
import { AppManifestService } from './app-manifests.js';
import { AppTokenService } from './app-tokens.js';
import { AppService } from './apps.js';
import type { EventService } from './events.js';
import type { HookService } from './hooks.js';
import type { Urls } from './shapes.js';

export function wireApps(store: Store, access: AccessService, hooks: HookService, events: EventService, clock: Clock, urls: Urls) {
  const appDeliveries = new AppDeliveries(store, events, urls);
  events.onIngested((ingested) => appDeliveries.ingested(ingested));
  const apps = new AppService(store, access, hooks, appDeliveries, clock);
  return {
    apps,
    appManifests: new AppManifestService(store, access, apps, clock),
    appTokens: new AppTokenService(store, clock),
    appAccess: new AppAccess(store, clock),
  };
}
