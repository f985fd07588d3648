// GitHub's semantic rules for hooks, as pure functions returning `errors[]` items for a 422.
import { refusedHost, type AllowedHosts } from './address-policy.js';
import type { FieldError } from './errors.js';
import { overlaps, subscribes, WILDCARD } from './events.js';
import type { HookDraft, HookOwnerType, HookRecord } from './model.js';

const RESOURCE = 'Hook';

/** `insecure_ssl` arrives as a string or a number; it is stored and returned as "0" or "1". */
export function parseInsecureSsl(value: string | number | undefined, fallback: '0' | '1'): '0' | '1' | null {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  if (text === '0' || text === '1') return text;
  return null;
}

export function checkContentType(value: string | undefined, fallback: 'json' | 'form'): 'json' | 'form' | FieldError {
  if (value === undefined) return fallback;
  if (value === 'json' || value === 'form') return value;
  return { resource: RESOURCE, code: 'custom', field: 'content_type', message: `content_type "${value}" is not one of json, form` };
}

/** Absolute http(s) URL whose host the policy allows; null when fine. */
export function checkUrl(url: string | undefined, policy: AllowedHosts): FieldError | null {
  if (url === undefined || url.trim() === '') {
    return { resource: RESOURCE, code: 'custom', message: 'Config must contain URL for webhooks' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalidUrl();
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') return invalidUrl();
  const refused = refusedHost(policy, parsed.hostname);
  if (refused) {
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    return {
      resource: RESOURCE, code: 'custom', field: 'url',
      message: `url is not supported because it isn't reachable over the public Internet (${host})`,
    };
  }
  return null;
}

function invalidUrl(): FieldError {
  return {
    resource: RESOURCE, code: 'custom', field: 'url',
    message: "The URL you've entered is not valid. Please make sure that you encode all special characters first",
  };
}

/** One error per event name the hook type does not offer. */
export function checkEventNames(events: readonly string[], available: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = events
    .filter((e) => e !== WILDCARD && !available.has(e))
    .map((e) => ({ resource: RESOURCE, code: 'invalid', field: 'events', message: `"${e}" is not a valid event name` }));
  if (events.length === 0) errors.push({ resource: RESOURCE, code: 'custom', field: 'events', message: 'Events must not be empty' });
  return errors;
}

/**
 * GitHub allows a limited number of hooks per event per repository or organization; one error per full
 * event. A `*` hook receives every event, so it counts toward each event's limit, and a new `*` hook
 * needs room in every event its siblings subscribe to (and among the other `*` hooks).
 */
export function checkHookLimit(draft: HookDraft, siblings: HookRecord[], max: number): FieldError[] {
  const named = draft.events.includes(WILDCARD) ? [WILDCARD, ...siblings.flatMap((h) => h.events)] : draft.events;
  const receivers = (event: string) =>
    siblings.filter((h) => (event === WILDCARD ? h.events.includes(WILDCARD) : subscribes(h.events, event))).length;
  return [...new Set(named)]
    .filter((event) => receivers(event) >= max)
    .map((event) => ({ resource: RESOURCE, code: 'custom', message: `The "${event}" event cannot have more than ${max} hooks` }));
}

/**
 * Two hooks may share a config only if their events do not overlap. `sameSecret` compares the
 * (encrypted) secrets by their plaintext.
 */
export function checkDuplicate(
  draft: HookDraft,
  siblings: HookRecord[],
  ownerType: HookOwnerType,
  sameSecret: (a: string | null, b: string | null) => boolean,
): FieldError[] {
  const clash = siblings.some(
    (h) =>
      h.config.url === draft.config.url &&
      h.config.contentType === draft.config.contentType &&
      h.config.insecureSsl === draft.config.insecureSsl &&
      sameSecret(h.config.secret, draft.config.secret) &&
      overlaps(h.events, draft.events),
  );
  if (!clash) return [];
  return [{ resource: RESOURCE, code: 'custom', message: `Hook already exists on this ${ownerType}` }];
}
