// API tokens: random, shown once, stored only as a SHA-256 hash, compared in constant time.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new token in GitHub's form: `ghp_` (classic personal access token) or e.g. `ghs_` (installation) + 36 base62 characters. */
export function generateToken(prefix = 'ghp_'): string {
  let out = prefix;
  for (let i = 0; i < 36; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
