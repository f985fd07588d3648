// The GitHub App half of the storage port: registrations, installations and installation tokens. The
// App's webhook is an ordinary hook row (owner type `integration`), kept by the HookStore.

/** Permission name → level (`read`, `write`, `admin`), as in GitHub's `app-permissions`. */
export type Permissions = Record<string, string>;

/** A registered App. Only a hash of `clientSecret` and the public half of its key are kept. */
export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  ownerId: number;
  description: string | null;
  externalUrl: string;
  public: boolean;
  clientId: string;
  clientSecret: string;
  publicKey: string;
  permissions: Permissions;
  /** Events the App subscribed to (the ones every App gets without subscribing are not listed). */
  events: string[];
  createdAt: string;
  updatedAt: string;
}

export type NewApp = Omit<AppRecord, 'id' | 'createdAt' | 'updatedAt'> & { now: string };

export type RepositorySelection = 'all' | 'selected';

/** An App installed on an account; with `selected`, `repositoryIds` are the repositories it may access. */
export interface InstallationRecord {
  id: number;
  appId: number;
  accountId: number;
  repositorySelection: RepositorySelection;
  repositoryIds: number[];
  /** While suspended, the App gets no events and no working tokens for this account. */
  suspendedAt: string | null;
  suspendedById: number | null;
  createdAt: string;
  updatedAt: string;
}

/** An installation access token, found by the hash of its text. `repositoryIds` null = all the installation's. */
export interface InstallationTokenRecord {
  installationId: number;
  permissions: Permissions;
  repositoryIds: number[] | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface AppStore {
  /** Throws Conflict when the slug, name or client id is taken. */
  insertApp(app: NewApp): Promise<AppRecord>;
  deleteApp(id: number): Promise<void>;
  findApp(by: { id: number } | { slug: string } | { clientId: string }): Promise<AppRecord | null>;

  /** Throws Conflict when the App is already installed on the account. */
  insertInstallation(
    i: Omit<InstallationRecord, 'id' | 'createdAt' | 'updatedAt' | 'suspendedAt' | 'suspendedById'> & { now: string },
  ): Promise<InstallationRecord>;
  /** Suspends (`at` set) or unsuspends (`at` null) an installation. */
  setInstallationSuspended(id: number, at: string | null, byId: number | null, now: string): Promise<void>;
  findInstallation(id: number): Promise<InstallationRecord | null>;
  /** One page of the App's installations, oldest first, with the total. */
  listInstallations(appId: number, offset: number, limit: number): Promise<{ installations: InstallationRecord[]; total: number }>;
  /** Deletes the installation and its tokens; false when it was not there. */
  deleteInstallation(id: number): Promise<boolean>;
  /** Installations on `accountId` that reach the repository (any, when `repositoryId` is null). */
  installationsReaching(accountId: number, repositoryId: number | null): Promise<InstallationRecord[]>;
  /** Ids of the repositories an installation can access, ascending. */
  installationRepositoryIds(installation: InstallationRecord): Promise<number[]>;

  /** Keeps a manifest under a code's hash until `expiresAt` (ms), for one conversion. */
  insertManifestCode(codeHash: string, code: { ownerId: number; manifest: string; expiresAt: number }): Promise<void>;
  /** Removes and returns the manifest kept under the code's hash (a code converts once). */
  takeManifestCode(codeHash: string): Promise<{ ownerId: number; manifest: string; expiresAt: number } | null>;

  insertInstallationToken(tokenHash: string, token: InstallationTokenRecord, now: string): Promise<void>;
  findInstallationToken(tokenHash: string): Promise<InstallationTokenRecord | null>;
  deleteInstallationToken(tokenHash: string): Promise<void>;
}
