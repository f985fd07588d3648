// The key that encrypts hook secrets: from HOOKLINE_SECRET_KEY, else generated once and stored in the
// data directory (never inside the database it protects). The database remembers a fingerprint of its
// key, so a process holding another key refuses to start instead of failing every delivery.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodeKey, type Config } from './config.js';
import { sameHash } from './services/tokens.js';
import { StartupError } from './startup-error.js';
import type { AccountStore } from './storage/store.js';

/** The key and where it came from (for the start-up notice; never the key itself). */
export interface SecretKey {
  key: Buffer;
  source: 'environment' | 'file' | 'generated' | 'ephemeral';
  /** Absolute path of the key file, for `file` and `generated`. */
  path: string | null;
}

const FINGERPRINT_SETTING = 'secret_key_fingerprint';
/** HMAC of a fixed label under the key: identifies the key without revealing anything about it. */
const FINGERPRINT_LABEL = 'hookline secret-key fingerprint v1';

export function keyFilePath(config: Config): string | null {
  if (config.databaseUrl === 'sqlite::memory:') return null;
  return resolve(join(config.dataDir, 'hookline.key'));
}

export function resolveSecretKey(config: Config): SecretKey {
  if (config.secretKey) return { key: config.secretKey, source: 'environment', path: null };
  const path = keyFilePath(config);
  if (path === null) return { key: randomBytes(32), source: 'ephemeral', path: null }; // in-memory database: secrets die with it
  if (existsSync(path)) {
    const key = decodeKey(readFileSync(path, 'utf8').trim());
    if (!key) throw new StartupError(`HOOKLINE_SECRET_KEY: ${path} does not hold a 32-byte key (64 hex characters); set HOOKLINE_SECRET_KEY or fix the file`);
    return { key, source: 'file', path };
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return { key, source: 'generated', path };
  } catch {
    return resolveSecretKey(config); // another process wrote it first
  }
}

export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex');
}

/**
 * Records the key's fingerprint in a new database, or checks it against the recorded one. A mismatch
 * stops the start (and removes a key file this start generated, which could only mislead the next).
 */
export async function checkKeyFingerprint(store: Pick<AccountStore, 'putSettingIfAbsent'>, secret: SecretKey): Promise<void> {
  const mine = keyFingerprint(secret.key);
  const recorded = await store.putSettingIfAbsent(FINGERPRINT_SETTING, mine);
  if (sameHash(recorded, mine)) return;
  if (secret.source === 'generated' && secret.path) rmSync(secret.path, { force: true });
  const used = secret.source === 'environment' ? 'the key in HOOKLINE_SECRET_KEY' : `the key file ${secret.path}`;
  throw new StartupError(
    `HOOKLINE_SECRET_KEY: this database's hook secrets were encrypted with another key than ${used}; ` +
      'set HOOKLINE_SECRET_KEY to the original key (or HOOKLINE_DATA_DIR to the directory holding its hookline.key)',
  );
}
