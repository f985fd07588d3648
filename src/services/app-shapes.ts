// GitHub's App shapes: `integration`, `installation`, `installation-token`, and the small installation
// objects webhook payloads carry.
import type { Account } from '../domain/model.js';
import type { AppRecord, InstallationRecord, InstallationTokenRecord } from '../storage/app-store.js';
import { nodeId, simpleUser, type Urls } from './shapes.js';

/** GitHub's `integration` (GET /app, GET /apps/{slug}). */
export function integrationShape(app: AppRecord, owner: Account, u: Urls, installationsCount?: number) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: app.clientId,
    owner: simpleUser(owner, u),
    name: app.name,
    description: app.description,
    external_url: app.externalUrl,
    html_url: `${u.html}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
    permissions: app.permissions,
    events: app.events,
    ...(installationsCount === undefined ? {} : { installations_count: installationsCount }),
  };
}

/** The manifest conversion's answer: the only time the client secret, webhook secret and key are shown. */
export function conversionShape(r: { app: AppRecord; owner: Account; clientSecret: string; webhookSecret: string; pem: string }, u: Urls) {
  return { ...integrationShape(r.app, r.owner, u), client_secret: r.clientSecret, webhook_secret: r.webhookSecret, pem: r.pem };
}

/** GitHub's `installation` (Hookline has no single-file access, hence those fixed fields). */
export function installationShape(i: InstallationRecord, app: AppRecord, account: Account, u: Urls, suspendedBy: Account | null = null) {
  return {
    id: i.id,
    account: simpleUser(account, u),
    repository_selection: i.repositorySelection,
    access_tokens_url: `${u.api}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${u.api}/installation/repositories`,
    html_url: `${u.html}/${account.type === 'Organization' ? `organizations/${account.login}/` : ''}settings/installations/${i.id}`,
    app_id: app.id,
    client_id: app.clientId,
    target_id: account.id,
    target_type: account.type,
    permissions: app.permissions,
    events: app.events,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [] as string[],
    app_slug: app.slug,
    suspended_by: suspendedBy ? simpleUser(suspendedBy, u) : null,
    suspended_at: i.suspendedAt,
  };
}

/** The `installation` key of an App's webhook payloads (`simple-installation`). */
export function simpleInstallationShape(i: Pick<InstallationRecord, 'id'>) {
  return { id: i.id, node_id: nodeId('Installation', i.id) };
}

/** GitHub's `installation-token`; `token` is the only time the text is shown. */
export function installationTokenShape(token: string, t: InstallationTokenRecord, selection: string, repositories?: unknown[]) {
  return {
    token,
    expires_at: new Date(t.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    permissions: t.permissions,
    repository_selection: selection,
    ...(repositories ? { repositories } : {}),
    has_multiple_single_files: false,
    single_file_paths: [] as string[],
  };
}
