// What a start tells the operator: which admin token is in force (never the token unless just made),
// where the secret key lives when several processes must share it, and the one-time token file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { App, WorkerApp } from '../app.js';
import type { Config } from '../config.js';

/** The 0600 file that keeps a generated admin token until the operator has it (null: in-memory database). */
export function adminTokenFile(config: Config): string | null {
  return config.databaseUrl === 'sqlite::memory:' ? null : resolve(join(config.dataDir, 'admin-token'));
}

/**
 * Saves a token this start generated before the server tries to listen, so a start that then fails
 * (port in use) does not lose it: the next start finds it in the file.
 */
export function keepGeneratedToken(config: Config, token: string): void {
  const file = adminTokenFile(config);
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
}

/** One notice about the site administrator token, printed once the API listens. */
export function adminTokenNotice(config: Config, app: App): string {
  const file = adminTokenFile(config);
  switch (app.adminTokenSource) {
    case 'generated':
      return `\nHookline site administrator token (shown once${file ? `; also saved in ${file}, mode 0600` : ''}):\n\n  ${app.generatedAdminToken}\n`;
    case 'environment':
      return 'hookline: site administrator token: HOOKLINE_ADMIN_TOKEN (a stored token, if any, is not in force while it is set)';
    case 'stored': {
      const kept = file && existsSync(file) && app.isAdminToken(readFileSync(file, 'utf8').trim());
      return kept
        ? `hookline: site administrator token: the stored one, kept in ${file}`
        : 'hookline: site administrator token: the stored one (printed at the first start; set HOOKLINE_ADMIN_TOKEN to use another)';
    }
    default:
      return 'hookline: no site administrator token yet; the first `hookline serve` makes one';
  }
}

/** On a shared (PostgreSQL) database every process needs the same key: say so unless it is configured. */
export function secretKeyNotice(app: WorkerApp): string | null {
  if (!app.store.capabilities.multiProcess || app.secretKey.source === 'environment') return null;
  return (
    `hookline: HOOKLINE_SECRET_KEY is not set; hook secrets are encrypted with the key ${app.secretKey.source === 'generated' ? 'generated now in' : 'in'} ` +
    `${app.secretKey.path}. Every process sharing this database needs that key: set HOOKLINE_SECRET_KEY to the file's contents.`
  );
}
