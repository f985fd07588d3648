// The deliveries table has the same columns on every engine; only booleans differ (0/1 on SQLite).
import type { AttemptKind, ClaimedDelivery, DeliveryDetail, DeliverySummary } from '../domain/deliveries.js';
import type { HookRecord } from '../domain/model.js';

/** A deliveries row as an adapter reads it. */
export interface DeliveryRow {
  id: number; hook_id: number; event_id: number; guid: string; event: string; action: string | null;
  repository_id: number | null; redelivery: number | boolean; url: string | null; status: string | null;
  status_code: number | null; duration: number | null; delivered_at: string | null;
  request_headers: string | null; response_headers: string | null; response_body: string | null;
  attempt: number; kind: AttemptKind; retry_index: number; next_attempt_at: string | null;
}

/** The columns a listed delivery needs. */
export const SUMMARY_COLUMNS =
  'id, guid, event, action, repository_id, redelivery, url, status, status_code, duration, delivered_at, attempt, next_attempt_at';

/** The columns a claim needs, besides the hook (of `deliveries d`). */
export const CLAIM_COLUMNS = 'd.id, d.hook_id, d.event_id, d.guid, d.event, d.action, d.redelivery, d.kind, d.attempt, d.retry_index';

/** A completed row as listed. */
export function toSummary(r: DeliveryRow): DeliverySummary {
  return {
    id: r.id, guid: r.guid, deliveredAt: r.delivered_at!, redelivery: r.redelivery === true || r.redelivery === 1,
    duration: r.duration!, status: r.status!, statusCode: r.status_code!, event: r.event, action: r.action,
    repositoryId: r.repository_id, url: r.url ?? '', attempt: r.attempt, nextAttemptAt: r.next_attempt_at,
  };
}

/** A completed row joined with its event's payload. */
export function toDetail(r: DeliveryRow & { payload: string }): DeliveryDetail {
  return {
    ...toSummary(r),
    requestHeaders: JSON.parse(r.request_headers ?? '{}'),
    payload: r.payload,
    responseHeaders: r.response_headers === null ? null : JSON.parse(r.response_headers),
    responseBody: r.response_body,
  };
}

/** A claimed row with its hook. */
export function toClaimed(r: DeliveryRow, hook: HookRecord): ClaimedDelivery {
  return {
    id: r.id, guid: r.guid, event: r.event, action: r.action, redelivery: r.redelivery === true || r.redelivery === 1,
    eventId: r.event_id, hook, kind: r.kind, attempt: r.attempt, retryIndex: r.retry_index,
  };
}
