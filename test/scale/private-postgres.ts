// A throwaway PostgreSQL server for the restart test, from the binaries of the server at
// HOOKLINE_TEST_POSTGRES_URL: stopping the shared server would break whatever else is using it
// (other suites, other people's runs on the same machine), so the test stops and starts its own.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { POSTGRES_URL } from '../support/database.js';
import { defer, freePort } from './harness.js';

const run = promisify(execFile);

/** Where initdb and pg_ctl are, and whom to run them as; or why this machine cannot. */
export async function postgresTools(): Promise<{ bin: string; runAs: string[] } | { skip: string }> {
  if (!POSTGRES_URL) return { skip: 'set HOOKLINE_TEST_POSTGRES_URL to run the PostgreSQL scale-out tests' };
  let bin: string;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await client.connect();
    bin = (await client.query("SELECT setting FROM pg_config WHERE name = 'BINDIR'")).rows[0].setting;
  } catch (err) {
    return { skip: `cannot read the server's BINDIR (needs a superuser on HOOKLINE_TEST_POSTGRES_URL): ${(err as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
  // PostgreSQL refuses to run as root; as root, run it as the postgres user.
  const runAs = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  try {
    await exec(runAs, join(bin, 'initdb'), ['--version']);
    await exec(runAs, join(bin, 'pg_ctl'), ['--version']);
  } catch (err) {
    return { skip: `cannot run initdb and pg_ctl from ${bin}: ${(err as Error).message}` };
  }
  return { bin, runAs };
}

async function exec(runAs: string[], file: string, args: string[]): Promise<string> {
  const [cmd, ...rest] = runAs.length > 0 ? [...runAs, file, ...args] : [file, ...args];
  const { stdout } = await run(cmd, rest, { timeout: 60_000 });
  return stdout;
}

/** A running private server: its URL, and stop/start (fast shutdown, like a restart of the real one). */
export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  running(): Promise<boolean>;
  log(): Promise<string>;
}

export async function privatePostgres(t: TestContext, tools: { bin: string; runAs: string[] }): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
  if (tools.runAs.length > 0) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const data = join(dir, 'data');
  const port = await freePort();
  const pgctl = (args: string[]) => exec(tools.runAs, join(tools.bin, 'pg_ctl'), ['-D', data, ...args]);
  await exec(tools.runAs, join(tools.bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => void (await pgctl(['-m', 'fast', '-w', 'stop'])),
    start: async () => void (await pgctl(['-o', options, '-l', join(dir, 'log'), '-w', 'start'])),
    running: async () => pgctl(['status']).then(() => true, () => false),
    log: async () => { try { return readFileSync(join(dir, 'log'), 'utf8'); } catch { return ''; } },
  };
  // Deferred before anything that uses it, so it is torn down last.
  defer(t, async () => {
    await pgctl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  await server.start();
  return server;
}

/** Numeric uid and gid of `user` (the data directory must belong to whoever runs the server). */
function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
