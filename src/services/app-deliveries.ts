// Events to GitHub Apps. Each installation gets its own copy of an event (its payload names the
// installation), sent to the App's webhook only, and only when the installation reaches the repository
// or organization and the App subscribed to the event with the permission it needs.
import { appReceives } from '../domain/app-events.js';
import type { Account, HookRecord, Repository } from '../domain/model.js';
import type { AppRecord, InstallationRecord } from '../storage/app-store.js';
import type { Store } from '../storage/store.js';
import { installationShape, simpleInstallationShape } from './app-shapes.js';
import type { EventService, IngestedEvent } from './events.js';
import { nodeId, simpleUser, type Urls } from './shapes.js';

/**
 * Queues one event for one App's webhook; the single place that knows how a one-hook event is emitted.
 * Returns the number of deliveries queued.
 */
async function deliverToApp(
  events: EventService, hook: HookRecord, event: string, action: string | null, repository: Repository | null, organization: Account | null,
  payload: Record<string, unknown>, sender: Account | null = null,
): Promise<number> {
  return (await events.emit({ event, action, payload, repository, organization, sender, to: { hook } })).deliveries;
}

export class AppDeliveries {
  constructor(private readonly store: Store, private readonly events: EventService, private readonly urls: Urls) {}

  /** An event ingested for a repository or organization, copied to every App installed there that wants it. */
  async ingested(e: IngestedEvent): Promise<number> {
    const account = e.repository?.owner ?? e.organization;
    if (!account) return 0;
    let queued = 0;
    for (const installation of await this.store.installationsReaching(account.id, e.repository?.id ?? null)) {
      if (installation.suspendedAt !== null) continue;
      const app = await this.store.findApp({ id: installation.appId });
      if (!app || !appReceives(app, e.event)) continue;
      const hook = await this.hookOf(app);
      if (!hook) continue;
      const payload = { ...e.payload, installation: simpleInstallationShape(installation) };
      queued += await deliverToApp(this.events, hook, e.event, e.action, e.repository, e.organization, payload, e.sender);
    }
    return queued;
  }

  /** `installation` events (created, deleted, suspend, unsuspend), which every App receives. */
  async installationChanged(
    action: 'created' | 'deleted' | 'suspend' | 'unsuspend', app: AppRecord, installation: InstallationRecord, account: Account, sender: Account,
  ): Promise<void> {
    const hook = await this.hookOf(app);
    if (!hook) return;
    const repositories = [];
    for (const id of await this.store.installationRepositoryIds(installation)) {
      const repo = await this.store.findRepositoryById(id);
      if (repo) {
        repositories.push({ id: repo.id, node_id: nodeId('Repository', repo.id), name: repo.name, full_name: `${repo.owner.login}/${repo.name}`, private: repo.private });
      }
    }
    const suspendedBy = installation.suspendedById === null ? null : await this.store.findAccountById(installation.suspendedById);
    const payload = {
      action,
      installation: installationShape(installation, app, account, this.urls, suspendedBy),
      repositories,
      requester: action === 'created' ? simpleUser(sender, this.urls) : null,
      sender: simpleUser(sender, this.urls),
    };
    const org = account.type === 'Organization' ? account : null;
    await deliverToApp(this.events, hook, 'installation', action, null, org, payload);
  }

  private hookOf(app: AppRecord): Promise<HookRecord | null> {
    return appHook(this.store, app);
  }
}

/** The App's one webhook (a hook row owned by the App), or null if it has none. */
export async function appHook(store: Store, app: Pick<AppRecord, 'id'>): Promise<HookRecord | null> {
  const { hooks } = await store.listHooks({ type: 'integration', id: app.id }, 0, 1);
  return hooks[0] ?? null;
}
