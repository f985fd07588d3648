// The dashboard's part of the storage port: sign-in sessions, what a user administers, and the
// aggregates behind the health charts, the site admin page and the metrics gauges. Every aggregate
// reads an index (deliveries_hook_delivered, deliveries_delivered), never the whole deliveries table.
import type { HookOwnerType } from '../domain/model.js';

/** A stored dashboard sign-in; the session id itself is never stored, only its hash. */
export interface SessionRecord {
  userId: number;
  /** Hash of the token used to sign in: the session lasts only as long as that token is valid. */
  tokenHash: string;
  expiresAt: number;
}

export interface AdministeredRepository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
}

/** Deliveries of one hook completed in one UTC hour (`hour` is `YYYY-MM-DDTHH`). */
export interface HourlyHealth {
  hookId: number;
  hour: string;
  success: number;
  failure: number;
}

/** A hook as the site admin page lists it, with the API path of its owner. */
export interface HookAlert {
  hookId: number;
  ownerType: HookOwnerType;
  /** `owner/name` for repository hooks, the login for organization hooks, the App's name for App hooks. */
  ownerName: string;
  url: string;
  active: boolean;
  lastCode: number | null;
  lastStatus: string | null;
}

/** The delivery queue as the gauges read it. */
export interface QueueStats {
  pending: number;
  /** `due_at` (ms) of the oldest due delivery no worker holds, or null when none waits. */
  oldestDueAt: number | null;
  hooksDisabled: number;
}

export interface DashboardStore {
  insertSession(idHash: string, session: SessionRecord, now: string): Promise<void>;
  /** The session if it exists and has not expired at `now` (ms). */
  findSession(idHash: string, now: number): Promise<SessionRecord | null>;
  deleteSession(idHash: string): Promise<void>;
  /** Drops sessions that expired before `now` (ms). */
  deleteExpiredSessions(now: number): Promise<number>;

  /**
   * Repositories and organizations `userId` administers (owner, organization owner, admin collaborator),
   * or all of them when `userId` is null (the site administrator); at most `limit` of each, by name.
   */
  listAdministered(userId: number | null, limit: number): Promise<{ repositories: AdministeredRepository[]; organizations: string[] }>;
  /** Completed deliveries of these hooks from `since` to before `until` (ISO; open-ended when null), by hook and hour; successes are 2xx. */
  hourlyHealth(hookIds: number[], since: string, until: string | null): Promise<HourlyHealth[]>;
  /** Kept counts of hours that are over, from hour `since` (`YYYY-MM-DDTHH`) on. */
  keptHealth(hookIds: number[], since: string): Promise<HourlyHealth[]>;
  /** Keeps (or replaces) counts of hours that are over, and drops kept hours before `dropBefore`. */
  keepHealth(rows: HourlyHealth[], dropBefore: string): Promise<void>;
  /** Inactive hooks and hooks whose latest delivery failed, across the site, at most `limit`. */
  hookAlerts(limit: number): Promise<HookAlert[]>;
  /** Completed deliveries since `since` (ISO) by outcome. */
  outcomesSince(since: string): Promise<{ success: number; failure: number }>;
  queueStats(now: number): Promise<QueueStats>;
}
