// Hooks on SQLite. Inserts and updates run their sibling checks inside an IMMEDIATE transaction.
import type { Database } from 'better-sqlite3';
import { statementCache } from './statements.js';
import type { HookDraft, HookOwner } from '../../domain/model.js';
import type { HookStore } from '../store.js';
import { toHook, type HookRow } from '../hook-row.js';
import type { HookCache } from './hook-cache.js';

function draftParams(d: HookDraft) {
  return {
    name: d.name, active: d.active ? 1 : 0, events: JSON.stringify(d.events), url: d.config.url,
    content_type: d.config.contentType, insecure_ssl: d.config.insecureSsl, secret: d.config.secret,
    username: d.config.username, password: d.config.password,
  };
}

export function sqliteHooks(db: Database, cache: HookCache): HookStore {
  const prepare = statementCache(db);
  const siblingsOf = prepare('SELECT * FROM hooks WHERE owner_type = ? AND owner_id = ? ORDER BY id');
  const byId = prepare('SELECT * FROM hooks WHERE owner_type = ? AND owner_id = ? AND id = ?');
  const siblings = (owner: HookOwner) => (siblingsOf.all(owner.type, owner.id) as HookRow[]).map(toHook);
  const find = (owner: HookOwner, id: number) => {
    const row = byId.get(owner.type, owner.id, id) as HookRow | undefined;
    return row ? toHook(row) : null;
  };

  return {
    async listHooks(owner, offset, limit) {
      const rows = prepare('SELECT * FROM hooks WHERE owner_type = ? AND owner_id = ? ORDER BY id LIMIT ? OFFSET ?')
        .all(owner.type, owner.id, limit, offset) as HookRow[];
      const total = prepare('SELECT count(*) FROM hooks WHERE owner_type = ? AND owner_id = ?')
        .pluck()
        .get(owner.type, owner.id) as number;
      return { hooks: rows.map(toHook), total };
    },
    async findHook(owner, id) {
      return find(owner, id);
    },
    async insertHook(owner, draft, now, check) {
      return db.transaction(() => {
        check(siblings(owner));
        const info = prepare(`INSERT INTO hooks (owner_type, owner_id, name, active, events, url, content_type, insecure_ssl,
                      secret, username, password, last_code, last_status, last_message, created_at, updated_at)
                    VALUES (@owner_type, @owner_id, @name, @active, @events, @url, @content_type, @insecure_ssl,
                      @secret, @username, @password, NULL, 'unused', NULL, @now, @now)`)
          .run({ owner_type: owner.type, owner_id: owner.id, now, ...draftParams(draft) });
        cache.invalidate();
        return find(owner, Number(info.lastInsertRowid))!;
      }).immediate();
    },
    async updateHook(owner, id, now, change) {
      return db.transaction(() => {
        const current = find(owner, id);
        if (!current) return null;
        const draft = change(current, siblings(owner).filter((h) => h.id !== id));
        prepare(`UPDATE hooks SET name = @name, active = @active, events = @events, url = @url,
                      content_type = @content_type, insecure_ssl = @insecure_ssl, secret = @secret,
                      username = @username, password = @password, updated_at = @now,
                      failing_since = CASE WHEN @active <> active THEN NULL ELSE failing_since END
                    WHERE id = @id`).run({ id, now, ...draftParams(draft) });
        cache.invalidate();
        return find(owner, id);
      }).immediate();
    },
    async deleteHook(owner, id) {
      return db.transaction(() => {
        const info = prepare('DELETE FROM hooks WHERE owner_type = ? AND owner_id = ? AND id = ?').run(owner.type, owner.id, id);
        if (info.changes > 0) prepare("DELETE FROM deliveries WHERE hook_id = ?").run(id);
        cache.invalidate();
        return info.changes > 0;
      }).immediate();
    },
  };
}
