// The machine description, the targets, and the table printed at the end of a run.
import Database from 'better-sqlite3';
import { execSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import pg from 'pg';
import { Redis } from 'ioredis';
import { round, type BenchOptions } from './common.js';

export async function describeMachine(o: BenchOptions): Promise<{ summary: string; detail: Record<string, string | number | null> }> {
  const sqlite = new Database(':memory:');
  const sqliteVersion = sqlite.prepare('select sqlite_version()').pluck().get() as string;
  sqlite.close();
  let postgres: string | null = null;
  try {
    const c = new pg.Client({ connectionString: o.postgresUrl });
    await c.connect();
    postgres = String((await c.query('show server_version')).rows[0].server_version);
    await c.end();
  } catch {
    postgres = null;
  }
  let redis: string | null = null;
  try {
    const r = new Redis({ ...o.redisUrl, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    await r.connect();
    redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? null;
    r.disconnect();
  } catch {
    redis = null;
  }
  let commit: string | null = null;
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    commit = null;
  }
  const cpu = cpus();
  const detail = {
    cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memory_gib: round(totalmem() / 2 ** 30, 1), kernel: release(),
    node: process.version, sqlite: sqliteVersion, postgres, redis, commit,
  };
  const summary = `${detail.cores} × ${detail.cpu}, ${detail.memory_gib} GiB, Linux ${detail.kernel}, Node ${process.version}, SQLite ${sqliteVersion}, PostgreSQL ${postgres ?? 'n/a'}, Redis ${redis ?? 'n/a'}`;
  return { summary, detail };
}

/** One line of the table. */
export interface Row {
  figure: string;
  value: number | null;
  unit: string;
  baseline?: string;
  ratio?: number | null;
  target?: string;
  met?: boolean | null;
}

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function cells(r: Row): string[] {
  const digits = r.unit === 'ms' ? 2 : r.unit === '%' ? 1 : 0;
  return [
    r.figure, `${fmt(r.value, digits)} ${r.unit}`.trim(), r.baseline ?? '', r.ratio === undefined ? '' : fmt(r.ratio, 2),
    r.target ?? '', r.met === undefined ? '' : r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
  ];
}

const HEAD = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met'];

export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(HEAD), line(HEAD.map((_, i) => (i === 1 || i === 3 ? '---:' : '---'))), ...rows.map((r) => line(cells(r)))].join('\n');
}
