// A single signed attempt outside the queue, for a hook that no longer exists to claim a row for (the
// `meta` event on deletion): same bytes, headers and signatures as a queued delivery, one attempt,
// nothing recorded.
import { randomUUID } from 'node:crypto';
import type { HookRecord } from '../domain/model.js';
import { encodeBody, prepare, type HookSecrets } from './prepare.js';
import type { Sender, SendResult } from './send.js';
import { signBody } from './signer.js';

export interface SendOnceDeps {
  sender: Sender;
  secretsOf(hook: HookRecord): HookSecrets;
}

export async function sendOnce(deps: SendOnceDeps, hook: HookRecord, event: string, action: string | null, payload: string): Promise<SendResult> {
  const body = encodeBody(payload, hook.config.contentType);
  const secrets = deps.secretsOf(hook);
  const signatures = secrets.secret === null ? null : await signBody(body, secrets.secret);
  const attempt = { id: 0, guid: randomUUID(), event, action, redelivery: false, eventId: 0, hook, kind: 'first' as const, attempt: 1, retryIndex: 0 };
  return deps.sender.send(prepare(attempt, body, signatures, secrets));
}
