// The key that encrypts hook secrets: from HOOKLINE_SECRET_KEY, else generated once and stored beside
// the data (never inside the database it protects).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeKey, type Config } from './config.js';

export function keyFilePath(config: Config): string | null {
  if (config.databaseUrl === 'sqlite::memory:') return null;
  return join(config.dataDir, 'hookline.key');
}

export function resolveSecretKey(config: Config): Buffer {
  if (config.secretKey) return config.secretKey;
  const path = keyFilePath(config);
  if (path === null) return randomBytes(32); // in-memory database: secrets die with the process anyway
  if (existsSync(path)) {
    const key = decodeKey(readFileSync(path, 'utf8').trim());
    if (!key) throw new Error(`${path} does not hold a 32-byte key`);
    return key;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return resolveSecretKey(config); // another process wrote it first
  }
}
