// The hooks table has the same columns on every engine; only booleans differ (0/1 on SQLite).
import type { HookOwnerType, HookRecord } from '../domain/model.js';

/** A hooks row as an adapter reads it. */
export interface HookRow {
  id: number; owner_type: HookOwnerType; owner_id: number; name: string; active: number | boolean;
  events: string; url: string; content_type: 'json' | 'form'; insecure_ssl: '0' | '1'; secret: string | null;
  username: string | null; password: string | null; last_code: number | null; last_status: string | null;
  last_message: string | null; created_at: string; updated_at: string;
}

export function toHook(r: HookRow): HookRecord {
  return {
    id: r.id,
    owner: { type: r.owner_type, id: r.owner_id },
    name: r.name,
    active: r.active === true || r.active === 1,
    events: JSON.parse(r.events),
    config: {
      url: r.url, contentType: r.content_type, insecureSsl: r.insecure_ssl, secret: r.secret,
      username: r.username, password: r.password,
    },
    lastResponse: { code: r.last_code, status: r.last_status, message: r.last_message },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
