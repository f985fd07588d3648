// Hook use-cases for repositories and organizations alike: org hooks are hooks with another owner and a
// few different rules (see HOOK_KINDS), not a copy of the repository code.
import type { AllowedHosts } from '../domain/address-policy.js';
import type { Clock } from '../domain/clock.js';
import { NotFound, ValidationFailed, type FieldError } from '../domain/errors.js';
import { APP_HOOK_EVENTS } from '../domain/app-events.js';
import { normaliseEvents, ORGANIZATION_EVENTS, REPOSITORY_EVENTS } from '../domain/events.js';
import {
  checkContentType, checkDuplicate, checkEventNames, checkHookLimit, checkUrl, parseInsecureSsl,
} from '../domain/hook-rules.js';
import { checkTexts } from '../domain/text-limits.js';
import { splitCredentials } from '../domain/url-credentials.js';
import { isoSeconds, type Account, type HookDraft, type HookOwnerType, type HookRecord, type StoredHookConfig } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import type { HookScope } from './access.js';
import {
  orgConfigBody, orgCreateBody, orgUpdateBody, repoConfigBody, repoCreateBody, repoUpdateBody,
  type ConfigInput, type HookInput,
} from './hook-schemas.js';
import type { BodySchema } from './request-schema.js';
import type { SecretBox } from './secret-box.js';

/** What differs between repository and organization hooks. */
interface HookKind {
  events: ReadonlySet<string>;
  create: BodySchema<HookInput>;
  update: BodySchema<HookInput>;
  config: BodySchema<ConfigInput>;
  /** Organization hooks have basic-auth credential fields (any hook may carry them in its URL). */
  credentials: boolean;
  /** Only repository hooks' PATCH has add_events/remove_events; the org body does not, so they are ignored. */
  editEvents: boolean;
}

const HOOK_KINDS: Record<HookOwnerType, HookKind> = {
  repository: { events: REPOSITORY_EVENTS, create: repoCreateBody, update: repoUpdateBody, config: repoConfigBody, credentials: false, editEvents: true },
  organization: { events: ORGANIZATION_EVENTS, create: orgCreateBody, update: orgUpdateBody, config: orgConfigBody, credentials: true, editEvents: false },
  // A GitHub App's webhook: its config is edited like a repository hook's (PATCH /app/hook/config).
  integration: { events: APP_HOOK_EVENTS, create: repoCreateBody, update: repoUpdateBody, config: repoConfigBody, credentials: false, editEvents: false },
};

/** Called after a hook is created, so the delivery side can send the ping. */
export type HookCreatedListener = (hook: HookRecord, scope: HookScope, actor: Account) => Promise<void>;

export interface HookServiceDeps {
  store: Store;
  box: SecretBox;
  clock: Clock;
  allowedHosts: AllowedHosts;
  maxHooksPerEvent: number;
}

export class HookService {
  private createdListeners: HookCreatedListener[] = [];
  private deletedListeners: HookCreatedListener[] = [];

  constructor(private readonly deps: HookServiceDeps) {}

  onCreated(listener: HookCreatedListener): void {
    this.createdListeners.push(listener);
  }

  /** Called after a hook is deleted, with the hook as it was and who deleted it. */
  onDeleted(listener: HookCreatedListener): void {
    this.deletedListeners.push(listener);
  }

  async list(scope: HookScope, offset: number, limit: number) {
    return this.deps.store.listHooks(scope.owner, offset, limit);
  }

  async get(scope: HookScope, id: number): Promise<HookRecord> {
    const hook = Number.isSafeInteger(id) ? await this.deps.store.findHook(scope.owner, id) : null;
    if (!hook) throw new NotFound();
    return hook;
  }

  async create(scope: HookScope, body: unknown, actor: Account): Promise<HookRecord> {
    const kind = HOOK_KINDS[scope.owner.type];
    const input = kind.create.check(body);
    const errors: FieldError[] = [];
    const name = input.name ?? 'web';
    if (name !== 'web') errors.push({ resource: 'Hook', code: 'invalid', field: 'name' });
    const config = this.buildConfig(kind, input.config ?? {}, null, errors);
    const events = normaliseEvents(input.events ?? ['push']);
    errors.push(...checkEventNames(input.events ?? ['push'], kind.events));
    if (errors.length > 0) throw new ValidationFailed(errors);

    const draft: HookDraft = { name, active: input.active ?? true, events, config: config! };
    const hook = await this.deps.store.insertHook(scope.owner, draft, this.now(), (siblings) =>
      this.checkSiblings(scope.owner.type, draft, siblings),
    );
    for (const listener of this.createdListeners) await listener(hook, scope, actor);
    return hook;
  }

  async update(scope: HookScope, id: number, body: unknown): Promise<HookRecord> {
    const kind = HOOK_KINDS[scope.owner.type];
    const input = kind.update.check(body);
    const updated = await this.deps.store.updateHook(scope.owner, id, this.now(), (current, siblings) => {
      const errors: FieldError[] = [];
      if (input.name !== undefined && input.name !== 'web') errors.push({ resource: 'Hook', code: 'invalid', field: 'name' });
      // A config in PATCH replaces the whole config: an omitted secret is removed.
      const config = input.config ? this.buildConfig(kind, input.config, null, errors) : current.config;
      const addEvents = kind.editEvents ? input.add_events : undefined;
      const removeEvents = kind.editEvents ? input.remove_events : undefined;
      let events = input.events ?? current.events;
      if (addEvents) events = [...events, ...addEvents];
      if (removeEvents) events = events.filter((e) => !removeEvents.includes(e));
      const named = [...(input.events ?? []), ...(addEvents ?? [])];
      errors.push(...checkEventNames(named, kind.events).filter((e) => e.code === 'invalid'));
      if (events.length === 0) errors.push(...checkEventNames([], kind.events));
      if (errors.length > 0) throw new ValidationFailed(errors);
      const draft: HookDraft = { name: current.name, active: input.active ?? current.active, events: normaliseEvents(events), config: config! };
      this.checkSiblings(scope.owner.type, draft, siblings, current);
      return draft;
    });
    if (!updated) throw new NotFound();
    // An inactive hook receives nothing: its scheduled attempts go.
    if (!updated.active) await this.deps.store.cancelPendingAttempts(updated.id);
    return updated;
  }

  async remove(scope: HookScope, id: number, actor?: Account): Promise<void> {
    const hook = await this.deps.store.findHook(scope.owner, id);
    if (!hook || !(await this.deps.store.deleteHook(scope.owner, id))) throw new NotFound();
    if (actor) for (const listener of this.deletedListeners) await listener(hook, scope, actor);
  }

  /** PATCH …/config merges into the existing config. */
  async updateConfig(scope: HookScope, id: number, body: unknown): Promise<HookRecord> {
    return this.updateSettings(scope, id, body, null);
  }

  /**
   * A config merged as PATCH …/config does and, when given, events and active replaced, validated and
   * saved as one change (the dashboard's settings form), so a refused half saves nothing.
   */
  async updateSettings(scope: HookScope, id: number, body: unknown, settings: { events: string[]; active: boolean } | null): Promise<HookRecord> {
    const kind = HOOK_KINDS[scope.owner.type];
    const input = kind.config.check(body);
    const updated = await this.deps.store.updateHook(scope.owner, id, this.now(), (current, siblings) => {
      const errors: FieldError[] = [];
      const config = this.buildConfig(kind, input, current.config, errors);
      if (settings) errors.push(...checkEventNames(settings.events, kind.events));
      if (errors.length > 0) throw new ValidationFailed(errors);
      const draft: HookDraft = {
        name: current.name, active: settings?.active ?? current.active, events: settings ? normaliseEvents(settings.events) : current.events, config: config!,
      };
      this.checkSiblings(scope.owner.type, draft, siblings, current);
      return draft;
    });
    if (!updated) throw new NotFound();
    return updated;
  }

  /**
   * Builds a stored config from input. With `base`, input fields are merged into it (PATCH /config);
   * without, the input is the whole config (create, PATCH hook).
   */
  private buildConfig(kind: HookKind, input: ConfigInput, base: StoredHookConfig | null, errors: FieldError[]): StoredHookConfig | null {
    const before = errors.length;
    // User-info in the URL is stored sealed beside it, never in it (see domain/url-credentials.ts).
    const fromUrl = input.url === undefined ? null : splitCredentials(input.url);
    const url = fromUrl?.url ?? input.url ?? base?.url;
    const textErrors = checkTexts('Hook', [
      ['url', input.url, 'url'], ['secret', input.secret, 'secret'],
      ['username', input.username, 'username'], ['password', input.password, 'secret'],
    ]);
    errors.push(...textErrors);
    const urlError = textErrors.some((e) => e.field === 'url') ? null : checkUrl(url, this.deps.allowedHosts);
    if (urlError) errors.push(urlError);
    const contentType = checkContentType(input.content_type, base?.contentType ?? 'form');
    if (typeof contentType !== 'string') errors.push(contentType);
    const insecureSsl = parseInsecureSsl(input.insecure_ssl, base?.insecureSsl ?? '0');
    if (insecureSsl === null) {
      errors.push({ resource: 'Hook', code: 'custom', field: 'insecure_ssl', message: 'insecure_ssl must be "0" or "1"' });
    }
    if (errors.length > before) return null;
    const seal = (value: string | undefined, kept: string | null | undefined): string | null =>
      value === undefined ? (kept ?? null) : value === '' ? null : this.deps.box.seal(value);
    // Organization hooks have credential fields, which a new URL leaves alone unless it carries its own.
    // A repository hook's credentials come only from its URL, so a new URL replaces them: they must never
    // follow a hook to another host.
    const credential = (part: 'username' | 'password'): string | null => {
      if (fromUrl) return seal(fromUrl[part], null);
      if (kind.credentials) return seal(input[part], base?.[part]);
      return input.url === undefined ? (base?.[part] ?? null) : null;
    };
    return {
      url: url!,
      contentType: contentType as 'json' | 'form',
      insecureSsl: insecureSsl!,
      secret: seal(input.secret, base?.secret),
      username: credential('username'),
      password: credential('password'),
    };
  }

  private checkSiblings(ownerType: HookOwnerType, draft: HookDraft, siblings: HookRecord[], current?: HookRecord): void {
    const sameSecret = (a: string | null, b: string | null) =>
      (a === null ? null : this.deps.box.open(a)) === (b === null ? null : this.deps.box.open(b));
    const errors = checkDuplicate(draft, siblings, ownerType, sameSecret);
    // On update only events the hook gains count against the limit.
    const gained = current ? { ...draft, events: draft.events.filter((e) => !current.events.includes(e)) } : draft;
    errors.push(...checkHookLimit(gained, siblings, this.deps.maxHooksPerEvent));
    if (errors.length > 0) throw new ValidationFailed(errors);
  }

  private now(): string {
    return isoSeconds(this.deps.clock.now());
  }
}
