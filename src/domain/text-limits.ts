// Every string Hookline stores (or looks up and names in an error) has a cap and may not hold NUL: one
// tenant must not grow the database or every response with megabyte strings, and PostgreSQL refuses NUL
// in text where SQLite would store it, so both engines answer the same 422 before either sees it.
import type { FieldError } from './errors.js';

/** Largest accepted length of each kind of stored string, in characters. */
export const TEXT_LIMITS = {
  /** A hook URL (GitHub's web form refuses longer ones too; browsers and proxies stop near here). */
  url: 8192,
  /** Hook secret and basic-auth password: room for any generated key, not for a payload. */
  secret: 4096,
  username: 255,
  email: 255,
  /** Display names (`profile_name`, a user's name). */
  name: 255,
  /** GitHub's repository description limit. */
  description: 350,
  /** Event actions and other short identifiers. */
  action: 255,
  /** Names looked up rather than stored (`owner/repo`, logins): capped so errors never echo megabytes. */
  lookup: 255,
} as const;

export type TextKind = keyof typeof TEXT_LIMITS;

/** Null when `value` (absent, or a string) fits its kind; otherwise the 422 item naming `field`. */
export function checkText(resource: string, field: string, value: string | null | undefined, kind: TextKind): FieldError | null {
  if (value === undefined || value === null) return null;
  const max = TEXT_LIMITS[kind];
  if (value.length > max) return { resource, code: 'custom', field, message: `${field} is too long (maximum is ${max} characters)` };
  if (value.includes('\u0000')) return { resource, code: 'invalid', field, message: `${field} must not contain NUL characters` };
  return null;
}

/** `checkText` over several fields at once: `[field, value, kind]` triples; the errors, in order. */
export function checkTexts(resource: string, fields: Array<[string, string | null | undefined, TextKind]>): FieldError[] {
  return fields.map(([field, value, kind]) => checkText(resource, field, value, kind)).filter((e): e is FieldError => e !== null);
}
