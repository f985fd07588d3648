// GitHub's `meta` event: sent to a webhook's own URL when that webhook is deleted, if it subscribed to
// `meta` (`*` counts), with `sender` the user who deleted it (reference/github-apps-and-admin.md §6).
import { subscribes } from '../domain/events.js';
import type { Account, HookRecord } from '../domain/model.js';
import type { HookScope } from './access.js';
import { repositoryWebhookShape } from './delivery-shapes.js';
import { hookShape, simpleOrganization, simpleUser, type Urls } from './shapes.js';

/** Whether the deleted hook gets a `meta` event. */
export function wantsMeta(hook: HookRecord): boolean {
  return subscribes(hook.events, 'meta');
}

/** The `meta` `deleted` payload (GitHub's `webhook-meta-deleted`). */
export function metaDeletedPayload(hook: HookRecord, scope: HookScope, sender: Account, urls: Urls): Record<string, unknown> {
  const { type, id, name, active, events, config, created_at, updated_at } = hookShape(hook, scope.path, urls);
  const payload: Record<string, unknown> = {
    action: 'deleted', hook_id: hook.id, hook: { type, id, name, active, events, config, created_at, updated_at },
  };
  if (scope.repository) payload.repository = repositoryWebhookShape(scope.repository, urls);
  if (scope.organization) payload.organization = simpleOrganization(scope.organization, urls);
  payload.sender = simpleUser(sender, urls);
  return payload;
}
