// GitHub's `hook-delivery-item` and `hook-delivery` shapes.
import type { DeliveryDetail, DeliverySummary } from '../storage/delivery-store.js';

export function deliveryItemShape(d: DeliverySummary) {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: null,
    repository_id: d.repositoryId,
    throttled_at: null,
    url: d.url,
  };
}

/** The full delivery: the request payload as parsed JSON, the response payload as a string. */
export function deliveryShape(d: DeliveryDetail) {
  return {
    ...deliveryItemShape(d),
    request: { headers: d.requestHeaders, payload: JSON.parse(d.payload) as Record<string, unknown> },
    response: { headers: d.responseHeaders, payload: d.responseBody },
  };
}
