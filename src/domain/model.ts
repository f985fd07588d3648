// Records as services see them. Storage adapters map rows to these; nothing here knows SQL or HTTP.

export type AccountType = 'User' | 'Organization';

/** A user or an organization. */
export interface Account {
  id: number;
  login: string;
  type: AccountType;
  email: string | null;
  name: string | null;
  siteAdmin: boolean;
  /** When a site administrator suspended the user (GHES); null when not suspended. */
  suspendedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Repository {
  id: number;
  owner: Account;
  name: string;
  private: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
}

export type OrgRole = 'admin' | 'member';
export type RepoPermission = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';

/** An API token; only its hash is stored. */
export interface TokenRecord {
  id: number;
  userId: number;
  scopes: string[];
  note: string | null;
  createdAt: string;
}

/** `integration`: a GitHub App's own webhook (owner id = App id). */
export type HookOwnerType = 'repository' | 'organization' | 'integration';

/** Where a hook is installed: a repository, an organization or an App, by id. */
export interface HookOwner {
  type: HookOwnerType;
  id: number;
}

/** Hook config as stored: secret, username and password are ciphertext (never plaintext at rest). */
export interface StoredHookConfig {
  url: string;
  contentType: 'json' | 'form';
  insecureSsl: '0' | '1';
  secret: string | null;
  username: string | null;
  password: string | null;
}

/** GitHub's `hook-response`: the outcome of the hook's latest delivery. */
export interface LastResponse {
  code: number | null;
  status: string | null;
  message: string | null;
}

export const UNUSED_RESPONSE: LastResponse = { code: null, status: 'unused', message: null };

export interface HookRecord {
  id: number;
  owner: HookOwner;
  name: string;
  active: boolean;
  events: string[];
  config: StoredHookConfig;
  lastResponse: LastResponse;
  createdAt: string;
  updatedAt: string;
}

/** The fields a create or update decides; storage adds id and timestamps. */
export type HookDraft = Pick<HookRecord, 'name' | 'active' | 'events' | 'config'>;

/** GitHub's timestamp format: seconds precision, UTC, `Z`. */
export function isoSeconds(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  // Rule: a stamp is formatted once per second and reused within it (every event and delivery is stamped).
  if (second !== lastStamp.second) lastStamp = { second, text: date.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return lastStamp.text;
}
let lastStamp = { second: NaN, text: '' };
