// Hooks as the delivery path reads them, kept between transactions so fan-out and claims do not read
// and decode hook rows each time. Rule: every change empties the cache: writes on this connection say
// so (`invalidate`), writes by any other connection or process show as a new `PRAGMA data_version`,
// checked at every use (with a second process on the file the cache is then emptied at almost every
// use: correct, but no faster).
import type { Database, Statement } from 'better-sqlite3';
import type { HookOwner, HookRecord } from '../../domain/model.js';
import { rememberBounded } from '../../bounded-map.js';
import { toHook, type HookRow } from '../hook-row.js';

/** Entries kept before the cache starts over (a hook is a few hundred bytes). */
const MAX_ENTRIES = 20_000;

export class HookCache {
  private readonly byId = new Map<number, HookRecord | null>();
  private readonly activeByOwner = new Map<string, HookRecord[]>();
  private readonly dataVersion: Statement;
  private readonly selectById: Statement;
  private readonly selectActive: Statement;
  private seenVersion: unknown = null;

  constructor(db: Database) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.selectById = db.prepare('SELECT * FROM hooks WHERE id = ?');
    this.selectActive = db.prepare('SELECT * FROM hooks WHERE owner_type = ? AND owner_id = ? AND active = 1 ORDER BY id');
  }

  /** A hook was inserted, changed or deleted on this connection. */
  invalidate(): void {
    this.byId.clear();
    this.activeByOwner.clear();
  }

  /**
   * The hook as it is now, or null once deleted. Its `lastResponse` may lag behind deliveries recorded
   * since it was cached: the delivery path reads only its identity, owner, events and config.
   */
  hook(id: number): HookRecord | null {
    this.revalidate();
    let hook = this.byId.get(id);
    if (hook === undefined) {
      const row = this.selectById.get(id) as HookRow | undefined;
      hook = row ? toHook(row) : null;
      this.remember(this.byId, id, hook);
    }
    return hook;
  }

  /** The owner's active hooks, oldest first (same `lastResponse` caveat as `hook`). */
  activeHooksOf(owner: HookOwner): HookRecord[] {
    this.revalidate();
    const key = `${owner.type}:${owner.id}`;
    let hooks = this.activeByOwner.get(key);
    if (!hooks) {
      hooks = (this.selectActive.all(owner.type, owner.id) as HookRow[]).map(toHook);
      this.remember(this.activeByOwner, key, hooks);
    }
    return hooks;
  }

  private revalidate(): void {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.invalidate();
    }
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    rememberBounded(map, key, value, MAX_ENTRIES);
  }
}
