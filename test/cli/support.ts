// Runs the CLI as a child process (`node --import tsx src/main.ts …`), as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Environment for a child: PATH and HOME only, plus what the test sets (no HOOKLINE_* leaks in). */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

/** Runs a command to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: childEnv(env), cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A long-running command, resolved once its output matches `ready` (or rejected if it exits first). */
export interface Running {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

export function startCli(args: string[], env: Record<string, string>, ready: RegExp, cwd?: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: childEnv(env), cwd });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const running: Running = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const check = (d: string) => {
      out += d;
      if (ready.test(out)) resolve(running);
    };
    child.stdout!.setEncoding('utf8').on('data', check);
    child.stderr!.setEncoding('utf8').on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before ${ready}:\n${out}`)));
  });
}

/** The address the API printed it listens on. */
export function listeningAddress(output: string): string {
  const m = /API listening on (\S+)/.exec(output);
  if (!m) throw new Error(`no listening line in:\n${output}`);
  return m[1];
}
