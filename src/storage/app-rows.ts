// Rows of the App tables as both adapters read them; only booleans differ (0/1 on SQLite).
import type { AppRecord, InstallationRecord, InstallationTokenRecord, NewApp } from './app-store.js';

export interface AppRow {
  id: number; slug: string; name: string; owner_id: number; description: string | null; external_url: string;
  public: number | boolean; client_id: string; client_secret: string; public_key: string; permissions: string;
  events: string; created_at: string; updated_at: string;
}

export interface InstallationRow {
  id: number; app_id: number; account_id: number; repository_selection: 'all' | 'selected';
  suspended_at: string | null; suspended_by: number | null; created_at: string; updated_at: string;
}

export interface TokenRow {
  installation_id: number; permissions: string; repository_ids: string | null; expires_at: number | string;
}

export function toApp(r: AppRow): AppRecord {
  return {
    id: r.id, slug: r.slug, name: r.name, ownerId: r.owner_id, description: r.description, externalUrl: r.external_url,
    public: r.public === true || r.public === 1, clientId: r.client_id, clientSecret: r.client_secret, publicKey: r.public_key,
    permissions: JSON.parse(r.permissions), events: JSON.parse(r.events), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toInstallation(r: InstallationRow, repositoryIds: number[]): InstallationRecord {
  return {
    id: r.id, appId: r.app_id, accountId: r.account_id, repositorySelection: r.repository_selection, repositoryIds,
    suspendedAt: r.suspended_at, suspendedById: r.suspended_by,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toToken(r: TokenRow): InstallationTokenRecord {
  return {
    installationId: r.installation_id, permissions: JSON.parse(r.permissions),
    repositoryIds: r.repository_ids === null ? null : JSON.parse(r.repository_ids), expiresAt: Number(r.expires_at),
  };
}

/** Parameters of an App insert in column order (slug … events, created_at); `flag` encodes a boolean for the engine. */
export function appParams(a: NewApp, flag: (b: boolean) => unknown): unknown[] {
  return [
    a.slug, a.name, a.name.toLowerCase(), a.ownerId, a.description, a.externalUrl, flag(a.public), a.clientId, a.clientSecret,
    a.publicKey, JSON.stringify(a.permissions), JSON.stringify(a.events), a.now,
  ];
}
