// The child side of the IPC protocol in ../common.ts: announce readiness, answer commands.
import { processStats } from '../common.js';

type Handler = (args: any) => unknown;

/** Serves `handlers` plus the built-in `stats` and `exit` commands. */
export function serveRpc(handlers: Record<string, Handler>, onExit: () => Promise<void> = async () => undefined): void {
  process.on('message', async (m: { id: number; cmd: string; args: unknown }) => {
    if (m.cmd === 'exit') {
      await onExit().catch(() => undefined);
      process.exit(0);
    }
    try {
      const handler = m.cmd === 'stats' ? () => processStats() : handlers[m.cmd];
      if (!handler) throw new Error(`unknown command ${m.cmd}`);
      process.send!({ id: m.id, ok: true, result: await handler(m.args) });
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: (err as Error).stack ?? String(err) });
    }
  });
  // The parent going away ends the child: nothing outlives a benchmark run.
  process.on('disconnect', () => void onExit().finally(() => process.exit(0)));
}

export function announce(info: Record<string, unknown>): void {
  process.send!({ ready: info });
}

export function fail(err: unknown): void {
  process.send?.({ failed: (err as Error).stack ?? String(err) });
  setTimeout(() => process.exit(1), 100);
}
