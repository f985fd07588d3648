// Installation access tokens (`ghs_…`): minted for an App's installation, valid for one hour, scoped to
// the installation's repositories and permissions or a narrower set the App asks for. Only their
// SHA-256 is stored.
import type { Clock } from '../domain/clock.js';
import { Forbidden, ValidationFailed, type FieldError } from '../domain/errors.js';
import { isoSeconds, type Repository } from '../domain/model.js';
import type { AppRecord, InstallationRecord, InstallationTokenRecord, Permissions } from '../storage/app-store.js';
import type { Store } from '../storage/store.js';
import { SUSPENDED, type InstallationCaller } from './app-access.js';
import { tokenBody } from './app-schemas.js';
import { generateToken, hashToken } from './tokens.js';

/** GitHub's installation-token lifetime; @octokit/auth-app caches tokens for 59 minutes on that promise. */
export const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;

const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** A new token: its text (shown once), what it may do, and the repositories it names when narrowed. */
export interface MintedToken {
  text: string;
  record: InstallationTokenRecord;
  selection: 'all' | 'selected';
  repositories: Repository[] | null;
}

export class AppTokenService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async mint(app: AppRecord, installation: InstallationRecord, body: unknown): Promise<MintedToken> {
    const input = tokenBody.check(body);
    if (installation.suspendedAt !== null) throw new Forbidden(SUSPENDED);
    const errors: FieldError[] = [];
    const reachable = new Set(await this.store.installationRepositoryIds(installation));
    let repositories: Repository[] | null = null;
    if (input.repositories !== undefined || input.repository_ids !== undefined) {
      const account = await this.store.findAccountById(installation.accountId);
      const named = new Map<number, Repository>();
      for (const name of input.repositories ?? []) {
        const repo = account ? await this.store.findRepository(account.login, name) : null;
        if (repo && reachable.has(repo.id)) named.set(repo.id, repo);
        else errors.push({ resource: 'InstallationToken', code: 'invalid', field: 'repositories', message: `There is at least one repository that does not exist or is not accessible to the parent installation: ${name}` });
      }
      for (const id of input.repository_ids ?? []) {
        const repo = reachable.has(id) ? await this.store.findRepositoryById(id) : null;
        if (repo) named.set(repo.id, repo);
        else errors.push({ resource: 'InstallationToken', code: 'invalid', field: 'repository_ids', message: `There is at least one repository that does not exist or is not accessible to the parent installation: ${id}` });
      }
      repositories = [...named.values()].sort((a, b) => a.id - b.id);
    }
    const permissions: Permissions = input.permissions ?? app.permissions;
    for (const [name, level] of Object.entries(permissions)) {
      const granted = app.permissions[name];
      if (granted === undefined || LEVELS[level] > LEVELS[granted]) {
        errors.push({ resource: 'InstallationToken', code: 'invalid', field: 'permissions', message: `The permissions requested are not granted to this installation: ${name}=${level}` });
      }
    }
    if (errors.length > 0) throw new ValidationFailed(errors);

    const text = generateToken('ghs_');
    const now = this.clock.now();
    const record: InstallationTokenRecord = {
      installationId: installation.id, permissions, repositoryIds: repositories?.map((r) => r.id) ?? null,
      expiresAt: now.getTime() + INSTALLATION_TOKEN_TTL_MS,
    };
    await this.store.insertInstallationToken(hashToken(text), record, isoSeconds(now));
    if (!repositories && installation.repositorySelection === 'selected') repositories = await this.repositories(installation, null);
    return { text, record, selection: record.repositoryIds ? 'selected' : installation.repositorySelection, repositories };
  }

  /** GET /installation/repositories: the repositories the token can access, one page of them, with the total. */
  async list(caller: InstallationCaller, offset: number, limit: number): Promise<{ repositories: Repository[]; total: number; selection: string }> {
    const ids = caller.token.repositoryIds ?? (await this.store.installationRepositoryIds(caller.installation));
    const repositories = await this.repositories(caller.installation, ids.slice(offset, offset + limit));
    const selection = caller.token.repositoryIds ? 'selected' : caller.installation.repositorySelection;
    return { repositories, total: ids.length, selection };
  }

  /** DELETE /installation/token. */
  async revoke(caller: InstallationCaller): Promise<void> {
    await this.store.deleteInstallationToken(caller.tokenHash);
  }

  private async repositories(installation: InstallationRecord, ids: number[] | null): Promise<Repository[]> {
    const out: Repository[] = [];
    for (const id of ids ?? (await this.store.installationRepositoryIds(installation))) {
      const repo = await this.store.findRepositoryById(id);
      if (repo) out.push(repo);
    }
    return out;
  }
}
