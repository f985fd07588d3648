// GitHub Apps: registration from a manifest, installation on an account, and what the App itself reads
// and changes through GitHub's /app endpoints. The App's webhook is a hook with owner type
// `integration`, so deliveries, redelivery, retries and auto-disable treat it like any other hook.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { APP_EVENTS, ALWAYS_DELIVERED, permissionFor } from '../domain/app-events.js';
import type { Clock } from '../domain/clock.js';
import { NotFound, ValidationFailed, type FieldError } from '../domain/errors.js';
import { normaliseEvents } from '../domain/events.js';
import { isoSeconds, type Account, type HookRecord } from '../domain/model.js';
import type { AppRecord, InstallationRecord } from '../storage/app-store.js';
import { Conflict, type Store } from '../storage/store.js';
import type { AccessService, HookScope, Principal } from './access.js';
import { appHook, type AppDeliveries } from './app-deliveries.js';
import { installBody, manifestBody } from './app-schemas.js';
import type { HookService } from './hooks.js';
import { hashToken } from './tokens.js';

/** What registration returns once: the App with its secrets and private key (GitHub's manifest conversion). */
export interface RegisteredApp {
  app: AppRecord;
  owner: Account;
  clientSecret: string;
  webhookSecret: string;
  pem: string;
}

/** `Hello World!` → `hello-world`, as GitHub derives App slugs. */
function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export class AppService {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly hooks: HookService,
    private readonly appDeliveries: AppDeliveries,
    private readonly clock: Clock,
  ) {}

  /** POST /hookline/apps (site admin): registers an App owned by the caller and creates its webhook. */
  async register(principal: Principal, body: unknown): Promise<RegisteredApp> {
    this.access.requireSiteAdmin(principal);
    return this.registerFor(principal.user, body);
  }

  /** Registers an App owned by `owner` from a manifest (directly, or when a manifest code is converted). */
  async registerFor(owner: Account, body: unknown): Promise<RegisteredApp> {
    const manifest = manifestBody.check(body);
    const errors: FieldError[] = [];
    const slug = slugOf(manifest.name);
    if (slug === '') errors.push({ resource: 'Integration', code: 'invalid', field: 'name', message: 'Name must contain a letter or digit' });
    const permissions = manifest.default_permissions ?? {};
    const events = normaliseEvents(manifest.default_events ?? []);
    for (const event of events) {
      const needed = permissionFor(event);
      if (!APP_EVENTS.has(event)) {
        errors.push({ resource: 'Integration', code: 'invalid', field: 'default_events', message: `"${event}" is not an event an App can subscribe to` });
      } else if (needed !== null && permissions[needed] === undefined) {
        errors.push({ resource: 'Integration', code: 'invalid', field: 'default_events', message: `"${event}" needs the ${needed} permission` });
      }
    }
    if (errors.length > 0) throw new ValidationFailed(errors);

    // GitHub hands out a PKCS#1 key, keeps only the public half, and generates the webhook secret.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const clientSecret = randomBytes(20).toString('hex');
    const webhookSecret = randomBytes(20).toString('hex');
    let app: AppRecord;
    try {
      app = await this.store.insertApp({
        slug, name: manifest.name, ownerId: owner.id, description: manifest.description ?? null,
        externalUrl: manifest.url, public: manifest.public ?? false, clientId: `Iv1.${randomBytes(8).toString('hex')}`,
        clientSecret: hashToken(clientSecret), publicKey, permissions, events, now: this.now(),
      });
    } catch (err) {
      if (err instanceof Conflict) throw new ValidationFailed([{ resource: 'Integration', code: 'already_exists', field: 'name', message: 'Name is already in use' }]);
      throw err;
    }
    try {
      await this.hooks.create(this.hookScope(app), {
        name: 'web',
        active: manifest.hook_attributes.active ?? true,
        events: normaliseEvents([...events, ...ALWAYS_DELIVERED]),
        config: { url: manifest.hook_attributes.url, content_type: 'json', secret: webhookSecret, insecure_ssl: '0' },
      }, owner);
    } catch (err) {
      await this.store.deleteApp(app.id);
      throw err;
    }
    return { app, owner, clientSecret, webhookSecret, pem: privateKey };
  }

  /** POST /hookline/apps/{slug}/installations (site admin): installs the App and tells it so. */
  async install(principal: Principal, slug: string, body: unknown): Promise<{ installation: InstallationRecord; app: AppRecord; account: Account }> {
    this.access.requireSiteAdmin(principal);
    const app = await this.bySlug(slug);
    const input = installBody.check(body);
    const errors: FieldError[] = [];
    const account = await this.store.findAccountByLogin(input.account);
    if (!account) errors.push({ resource: 'Installation', code: 'invalid', field: 'account', message: `account ${input.account} not found` });
    const selection = input.repository_selection ?? (input.repositories ? 'selected' : 'all');
    const repositoryIds: number[] = [];
    if (selection === 'all' && input.repositories) {
      errors.push({ resource: 'Installation', code: 'invalid', field: 'repositories', message: 'repositories are listed only with repository_selection "selected"' });
    }
    if (selection === 'selected' && (input.repositories ?? []).length === 0) {
      errors.push({ resource: 'Installation', code: 'missing_field', field: 'repositories' });
    }
    if (account && selection === 'selected') {
      for (const fullName of input.repositories ?? []) {
        const [owner, name, extra] = fullName.split('/');
        const repo = owner && name && extra === undefined ? await this.store.findRepository(owner, name) : null;
        if (!repo || repo.owner.id !== account.id) {
          errors.push({ resource: 'Installation', code: 'invalid', field: 'repositories', message: `repository ${fullName} not found in ${account.login}` });
        } else repositoryIds.push(repo.id);
      }
    }
    if (errors.length > 0) throw new ValidationFailed(errors);
    let installation: InstallationRecord;
    try {
      installation = await this.store.insertInstallation({
        appId: app.id, accountId: account!.id, repositorySelection: selection, repositoryIds, now: this.now(),
      });
    } catch (err) {
      if (err instanceof Conflict) throw new ValidationFailed([{ resource: 'Installation', code: 'already_exists', field: 'account' }]);
      throw err;
    }
    await this.appDeliveries.installationChanged('created', app, installation, account!, principal.user);
    return { installation, app, account: account! };
  }

  /** DELETE /app/installations/{id}: uninstalls; the installation's tokens stop working at once. */
  async uninstall(app: AppRecord, installationId: number): Promise<void> {
    const installation = await this.installation(app, installationId);
    const account = (await this.store.findAccountById(installation.accountId))!;
    const owner = (await this.store.findAccountById(app.ownerId))!;
    await this.appDeliveries.installationChanged('deleted', app, installation, account, owner);
    await this.store.deleteInstallation(installation.id);
  }

  /**
   * PUT/DELETE /app/installations/{id}/suspended: while suspended the installation gets no events and its
   * tokens do not work. The App hears of it (`installation` `suspend`/`unsuspend`), as every App does.
   */
  async setSuspended(app: AppRecord, installationId: number, suspended: boolean): Promise<void> {
    const installation = await this.installation(app, installationId);
    if ((installation.suspendedAt !== null) === suspended) return;
    const owner = await this.accountOf(app.ownerId);
    const now = this.now();
    await this.store.setInstallationSuspended(installation.id, suspended ? now : null, suspended ? owner.id : null, now);
    const changed = (await this.store.findInstallation(installation.id))!;
    await this.appDeliveries.installationChanged(suspended ? 'suspend' : 'unsuspend', app, changed, await this.accountOf(changed.accountId), owner);
  }

  /** One page of the App's installations, oldest first, with the total. */
  installations(app: AppRecord, offset: number, limit: number) {
    return this.store.listInstallations(app.id, offset, limit);
  }

  /** One of the App's installations; another App's is NotFound. */
  async installation(app: AppRecord, id: number): Promise<InstallationRecord> {
    const installation = await this.store.findInstallation(id);
    if (!installation || installation.appId !== app.id) throw new NotFound();
    return installation;
  }

  /**
   * The App's installation reaching a repository (`owner/name`), or on an account (`org` for an
   * organization, `user` for a user); NotFound when the App is not installed there.
   */
  async installationFor(app: AppRecord, where: { repository: [string, string] } | { org: string } | { user: string }): Promise<InstallationRecord> {
    let accountId: number;
    let repositoryId: number | null = null;
    if ('repository' in where) {
      const repo = await this.store.findRepository(...where.repository);
      if (!repo) throw new NotFound();
      [accountId, repositoryId] = [repo.owner.id, repo.id];
    } else {
      const account = await this.store.findAccountByLogin('org' in where ? where.org : where.user);
      if (!account || account.type !== ('org' in where ? 'Organization' : 'User')) throw new NotFound();
      accountId = account.id;
    }
    const found = (await this.store.installationsReaching(accountId, repositoryId)).find((i) => i.appId === app.id);
    if (!found) throw new NotFound();
    return found;
  }

  async bySlug(slug: string): Promise<AppRecord> {
    const app = slug.length <= 100 ? await this.store.findApp({ slug: slug.toLowerCase() }) : null;
    if (!app) throw new NotFound();
    return app;
  }

  /** Where the App's webhook lives, for the hook and delivery services. */
  hookScope(app: AppRecord): HookScope {
    return { owner: { type: 'integration', id: app.id }, path: 'app', repository: null, organization: null };
  }

  /** The App's one webhook. */
  async hook(app: AppRecord): Promise<HookRecord> {
    const hook = await appHook(this.store, app);
    if (!hook) throw new NotFound();
    return hook;
  }

  async accountOf(id: number): Promise<Account> {
    const account = await this.store.findAccountById(id);
    if (!account) throw new NotFound();
    return account;
  }

  private now(): string {
    return isoSeconds(this.clock.now());
  }
}
