// The dashboard's own use-cases: sign-in sessions, what a user administers, hook health and the site
// status. Hook and delivery actions go through the same services as the REST API.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { Unauthorized } from '../domain/errors.js';
import { isoSeconds, type HookRecord } from '../domain/model.js';
import type { AdministeredRepository, HookAlert, HourlyHealth, QueueStats } from '../storage/dashboard-store.js';
import type { Store } from '../storage/store.js';
import { ORG_HOOK_SCOPES, REPO_HOOK_SCOPES, type AccessService, type HookScope, type Principal } from './access.js';
import type { HookService } from './hooks.js';
import { hashToken } from './tokens.js';

/** A signed-in browser stays signed in this long. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Repositories and organizations listed on the first page, each. */
const OVERVIEW_LIMIT = 200;
/** Hooks shown on an owner's page (GitHub caps hooks per event at 20, 250 on GHES). */
const HOOKS_LIMIT = 250;
const HOUR_MS = 60 * 60 * 1000;
/** The latest hours, counted from the deliveries on every view rather than kept. */
const LIVE_HOURS = 2;

/** Deliveries per hour for the last 24 hours, oldest first. */
export interface HealthBar {
  hour: string;
  success: number;
  failure: number;
}

export interface SiteStatus {
  alerts: HookAlert[];
  queue: QueueStats;
  lastHour: { success: number; failure: number };
  now: number;
}

export class DashboardService {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly hooks: HookService,
    private readonly clock: Clock,
  ) {}

  /** Checks the token and opens a session; the returned id goes into the cookie, only its hash is stored. */
  async signIn(token: string): Promise<{ sessionId: string; expiresAt: number }> {
    const principal = await this.access.authenticate(`token ${token.trim()}`);
    const now = this.clock.now().getTime();
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    await this.store.deleteExpiredSessions(now);
    await this.store.insertSession(hashToken(sessionId), { userId: principal.user.id, tokenHash: hashToken(token.trim()), expiresAt }, isoSeconds(new Date(now)));
    return { sessionId, expiresAt };
  }

  /** The caller of a live session, or null when it ended, expired, or its token no longer works. */
  async principalOf(sessionId: string): Promise<Principal | null> {
    const session = await this.store.findSession(hashToken(sessionId), this.clock.now().getTime());
    if (!session) return null;
    try {
      const principal = await this.access.authenticateHash(session.tokenHash);
      return principal.user.id === session.userId ? principal : null;
    } catch (err) {
      if (err instanceof Unauthorized) return null;
      throw err;
    }
  }

  async signOut(sessionId: string): Promise<void> {
    await this.store.deleteSession(hashToken(sessionId));
  }

  /** Repositories and organizations whose hooks this caller may read through the API. */
  async overview(principal: Principal): Promise<{ repositories: AdministeredRepository[]; organizations: string[] }> {
    const found = await this.store.listAdministered(principal.siteAdmin ? null : principal.user.id, OVERVIEW_LIMIT);
    const readable = (repo: AdministeredRepository) =>
      this.access.hasScope(principal, [...REPO_HOOK_SCOPES.read, ...(repo.private ? [] : ['public_repo'])]);
    return {
      repositories: found.repositories.filter(readable),
      organizations: this.access.hasScope(principal, ORG_HOOK_SCOPES) ? found.organizations : [],
    };
  }

  /**
   * An owner's hooks with 24 hourly health bars each. Hours that are over are counted once and kept;
   * the last LIVE_HOURS are counted from the deliveries on every view (late recordings may still land there).
   */
  async hooksWithHealth(scope: HookScope): Promise<{ hook: HookRecord; health: HealthBar[] }[]> {
    const { hooks } = await this.hooks.list(scope, 0, HOOKS_LIMIT);
    const ids = hooks.map((h) => h.id);
    const hours = lastDayHours(this.clock.now().getTime());
    const settled = hours.slice(0, -LIVE_HOURS);
    const liveFrom = hours[hours.length - LIVE_HOURS];
    const counts = new Map<string, HourlyHealth>();
    const key = (hookId: number, hour: string) => `${hookId} ${hour}`;
    for (const row of await this.store.keptHealth(ids, settled[0])) counts.set(key(row.hookId, row.hour), row);

    const firstMissing = new Map(ids.map((id) => [id, settled.find((hour) => !counts.has(key(id, hour)))]));
    const missing = ids.filter((id) => firstMissing.get(id) !== undefined);
    if (missing.length > 0) {
      const from = missing.map((id) => firstMissing.get(id)!).sort()[0];
      const found = new Map((await this.store.hourlyHealth(missing, `${from}:00:00Z`, `${liveFrom}:00:00Z`)).map((r) => [key(r.hookId, r.hour), r]));
      const kept = missing.flatMap((hookId) => settled.filter((hour) => hour >= firstMissing.get(hookId)!).map((hour) => {
        const row = found.get(key(hookId, hour));
        return { hookId, hour, success: Number(row?.success ?? 0), failure: Number(row?.failure ?? 0) };
      }));
      await this.store.keepHealth(kept, settled[0]);
      for (const row of kept) counts.set(key(row.hookId, row.hour), row);
    }
    for (const row of await this.store.hourlyHealth(ids, `${liveFrom}:00:00Z`, null)) counts.set(key(row.hookId, row.hour), row);

    return hooks.map((hook) => ({
      hook,
      health: hours.map((hour) => {
        const row = counts.get(key(hook.id, hour));
        return { hour, success: Number(row?.success ?? 0), failure: Number(row?.failure ?? 0) };
      }),
    }));
  }

  /** The site administrator's view: failing and disabled hooks, the queue, the last hour's outcomes. */
  async siteStatus(principal: Principal): Promise<SiteStatus> {
    this.access.requireSiteAdmin(principal);
    const now = this.clock.now().getTime();
    const [alerts, queue, lastHour] = await Promise.all([
      this.store.hookAlerts(100),
      this.store.queueStats(now),
      this.store.outcomesSince(isoSeconds(new Date(now - HOUR_MS))),
    ]);
    return { alerts, queue, lastHour: { success: Number(lastHour.success), failure: Number(lastHour.failure) }, now };
  }
}

/** The 24 UTC hours ending with the current one, as `YYYY-MM-DDTHH`. */
function lastDayHours(now: number): string[] {
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  return Array.from({ length: 24 }, (_, i) => new Date(current - (23 - i) * HOUR_MS).toISOString().slice(0, 13));
}
