// Start-up failures the operator can fix, as one line that names the setting to change (never a stack).
import type { Config } from './config.js';

/** Thrown while starting; `message` is one line that names the setting to change. */
export class StartupError extends Error {}

type SystemError = Error & { code?: string; syscall?: string; address?: string; port?: number; severity?: string };

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
};

/** The URL as it may be printed: without its password. */
export function printableDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.protocol === 'sqlite:' ? url : parsed.toString();
  } catch {
    return url;
  }
}

/** Why the database could not be opened, naming HOOKLINE_DATABASE_URL. */
export function databaseStartupError(url: string, err: unknown): StartupError {
  const e = err as SystemError;
  const reason = (e.code && NETWORK[e.code]) ?? (e.code === 'SQLITE_CANTOPEN' ? 'cannot open the file' : firstLine(e));
  return new StartupError(`HOOKLINE_DATABASE_URL: cannot use ${printableDatabaseUrl(url)}: ${reason}`);
}

/** Why the API could not listen, naming PORT or HOST. */
export function listenStartupError(config: Pick<Config, 'host' | 'port'>, err: unknown, setting = 'PORT'): Error {
  const e = err as SystemError;
  const where = `${config.host}:${config.port}`;
  const fix = setting === 'PORT' ? 'PORT (or --port)' : setting;
  if (e.code === 'EADDRINUSE') return new StartupError(`${setting}: ${where} is already in use; set ${fix} to a free port`);
  if (e.code === 'EACCES') return new StartupError(`${setting}: not permitted to listen on ${where}; set ${fix} to a port above 1023`);
  if (e.code === 'EADDRNOTAVAIL') return new StartupError(`HOST: ${config.host} is not an address of this machine; set HOST (or --host)`);
  return err as Error;
}

/** One line for any error that ends a start: a StartupError's message, else the error's first line. */
export function describeStartupFailure(err: unknown): string {
  return firstLine(err as Error);
}

function firstLine(e: Error): string {
  return String(e?.message ?? e).split('\n')[0];
}
