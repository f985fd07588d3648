// Shared plumbing: options, child processes driven over IPC, percentiles, timing.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  quick: boolean;
  /** Scenario names to run (all when empty). */
  only: Set<string>;
  /** Directory for `--cpu-prof` output of the Hookline child, when profiling. */
  cpuProfDir: string | null;
  postgresUrl: string;
  redisUrl: { host: string; port: number };
  /** Rounds of the throughput comparison (the median is reported). */
  rounds: number;
  /** Another checkout, compiled and measured beside this one (throughput, backlog, latency, API), e.g. before a change. */
  baselineSrc: string | null;
}

export function parseOptions(argv: string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => {
    const hit = argv.find((a) => a.startsWith(`--${name}=`));
    return hit ? hit.slice(name.length + 3) : undefined;
  };
  const quick = flag('quick');
  return {
    quick,
    only: new Set((value('only') ?? '').split(',').filter(Boolean)),
    cpuProfDir: value('cpu-prof') ?? (flag('cpu-prof') ? 'bench/results/profiles' : null),
    postgresUrl: value('postgres') ?? process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: { host: '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT ?? 6379) },
    rounds: Number(value('rounds') ?? (quick ? 1 : 3)),
    baselineSrc: value('baseline') ?? null,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const now = () => performance.now();

/** Percentile by nearest rank over a copy of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

/** CPU seconds of the process's main thread alone (the event loop), from /proc; NaN where unavailable. */
function mainThreadCpuS(): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: 100 per second on Linux (getconf CLK_TCK)
  } catch {
    return NaN;
  }
}

/**
 * CPU time the whole machine has spent (every core, every process, the kernel included) and the time
 * its cores have been available, in core-seconds, from /proc/stat; NaN where unavailable. Two readings
 * say how busy the machine was in between, and so whether a run was bound by the machine or by one
 * thread of the system under test.
 */
export function machineCpu(): { busyS: number; totalS: number; stealS: number } {
  try {
    const fields = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busyS: busy / 100, totalS: (busy + idle + iowait) / 100, stealS: steal / 100 };
  } catch {
    return { busyS: NaN, totalS: NaN, stealS: NaN };
  }
}

/**
 * The share of the machine's core time the hypervisor gave to other guests ("steal") since `from`:
 * on a shared VM host it is how much of a run the host took away, which moves latency tails and
 * rates from one run to the next far more than any change measured here.
 */
export function stealShareSince(from: ReturnType<typeof machineCpu>): number {
  const m = machineCpu();
  return (m.stealS - from.stealS) / (m.totalS - from.totalS);
}

/** The load generator's own CPU (this process: receiver and ingest client), in seconds. */
export function ownCpuS(): number {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1e6;
}

/** Resident set size now and at its peak (VmHWM), in MB, of this process; CPU time in seconds (all threads). */
export function processStats(): { rssMb: number; peakRssMb: number; cpuS: number; mainThreadCpuS: number; heapMb: number; heapTotalMb: number; externalMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    rssMb: kb('VmRSS') / 1024,
    peakRssMb: kb('VmHWM') / 1024,
    cpuS: (cpu.user + cpu.system) / 1e6,
    heapMb: mem.heapUsed / 1024 / 1024,
    heapTotalMb: mem.heapTotal / 1024 / 1024,
    externalMb: (mem.external + mem.arrayBuffers) / 1024 / 1024,
    mainThreadCpuS: mainThreadCpuS(),
  };
}

interface Reply { id: number; ok: boolean; result?: unknown; error?: string }

/** A child process that answers `call(cmd, args)` over IPC (see children/rpc.ts). */
export class Child {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private exited: Promise<number | null>;
  ready: Promise<Record<string, unknown>>;

  constructor(readonly name: string, readonly proc: ChildProcess) {
    let onReady!: (v: Record<string, unknown>) => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    proc.on('message', (m: Reply | { ready: Record<string, unknown> } | { failed: string }) => {
      if ('ready' in m) return onReady(m.ready);
      if ('failed' in m) return onFail(new Error(`${name}: ${m.failed}`));
      const waiter = this.pending.get(m.id);
      if (!waiter) return;
      this.pending.delete(m.id);
      if (m.ok) waiter.resolve(m.result);
      else waiter.reject(new Error(`${name}: ${m.error}`));
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => {
      onFail(new Error(`${name} exited with ${code} before it was ready`));
      for (const w of this.pending.values()) w.reject(new Error(`${name} exited with ${code}`));
      this.pending.clear();
      resolve(code);
    }));
  }

  call<T = unknown>(cmd: string, args: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, cmd, args });
    });
  }

  /** Asks the child to close cleanly; kills it (this child only) if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.call('exit').catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `bench/children/<file>` under tsx with IPC; `execArgv` adds node flags (e.g. --cpu-prof). */
export function spawnChild(file: string, env: Record<string, string>, execArgv: string[] = []): Child {
  const proc = fork(fileURLToPath(new URL(`./children/${file}`, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: ROOT_DIR,
  });
  return new Child(file, proc);
}
