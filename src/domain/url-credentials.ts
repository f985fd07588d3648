// Credentials written into a hook URL (`https://user:pass@host/…`) are taken out of it: the URL is stored,
// shown and copied into every delivery record, while the credentials are sealed and sent as Basic auth.

/** A URL without its user-info, and that user-info decoded (empty strings when a part is absent). */
export interface SplitUrl {
  url: string;
  username: string;
  password: string;
}

/** Null when `raw` is not a URL or carries no user-info (then it is stored as given). */
export function splitCredentials(raw: string): SplitUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return null;
  }
  if (parsed.username === '' && parsed.password === '') return null;
  const username = decode(parsed.username);
  const password = decode(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, username, password };
}

/** User-info is percent-encoded in a URL; a malformed escape is kept as written. */
function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
