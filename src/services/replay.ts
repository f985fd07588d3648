// Bulk replay (Hookline's own): one new attempt, as a redelivery, for every event delivered to a hook in
// a window whose latest attempt failed. Same permission as redelivering one.
import type { Clock } from '../domain/clock.js';
import { MAX_REPLAY } from '../domain/delivery-policy.js';
import { ValidationFailed, type FieldError } from '../domain/errors.js';
import { isoSeconds } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import type { HookScope } from './access.js';
import type { DeliverySignal } from './events.js';
import type { HookService } from './hooks.js';
import { bodySchema } from './request-schema.js';

const replayBody = bodySchema<{ since: string; until?: string }>(
  {
    type: 'object',
    required: ['since'],
    additionalProperties: false,
    properties: { since: { type: 'string', maxLength: 64 }, until: { type: 'string', maxLength: 64 } },
  },
  { required: true },
);

/** ISO 8601 with a date and a time; the window is on the time events were accepted. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export async function replayFailed(
  deps: { store: Store; hooks: HookService; clock: Clock; signal: DeliverySignal },
  scope: HookScope, hookId: number, body: unknown,
): Promise<{ queued: number; truncated?: true }> {
  const hook = await deps.hooks.get(scope, hookId);
  const input = replayBody.check(body);
  const errors: FieldError[] = [];
  const instant = (field: 'since' | 'until', text: string | undefined): number | null => {
    if (text === undefined) return null;
    const ms = ISO_8601.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(ms)) errors.push({ resource: 'Replay', code: 'invalid', field, message: `${field} must be an ISO 8601 time, got "${text}"` });
    return ms;
  };
  const since = instant('since', input.since);
  const until = instant('until', input.until);
  if (errors.length === 0 && since !== null && until !== null && until <= since) {
    errors.push({ resource: 'Replay', code: 'invalid', field: 'until', message: 'until must be later than since' });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  // An inactive hook receives nothing (a disabled one until someone sets it active again).
  if (!hook.active) return { queued: 0 };
  // Events are stamped to the second: a window starting mid-second starts at the next whole second.
  const stamp = (ms: number) => isoSeconds(new Date(Math.ceil(ms / 1000) * 1000));
  const now = deps.clock.now();
  const { queued, truncated } = await deps.store.replayFailed({
    hookId, since: stamp(since!), until: until === null ? null : stamp(until), limit: MAX_REPLAY,
    now: isoSeconds(now), dueAt: now.getTime(),
  });
  if (queued > 0) deps.signal.notify();
  return truncated ? { queued, truncated } : { queued };
}
