// A listening Hookline in its own process, so the load generator and the receiver stay off its event
// loop. Configured through the environment like `hookline serve`; BENCH_DEFER_WORKER=1 builds the
// worker but starts it only on the `start` command (to measure a backlog).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { buildApp as BuildApp } from '../../src/app.js';
import type { loadConfig as LoadConfig } from '../../src/config.js';
import { countPgQueries } from './pg-count.js';
import { announce, fail, serveRpc } from './rpc.js';

/**
 * The compiled build, as `npm start` runs it (bench/build.ts compiles it first). BENCH_SRC_DIR runs
 * another checkout's build (e.g. the code before an optimisation) under the same harness.
 */
const SRC = process.env.BENCH_SRC_DIR ? pathToFileURL(`${process.env.BENCH_SRC_DIR.replace(/\/+$/, '')}/dist/`) : new URL('../../dist/', import.meta.url);

async function main(): Promise<void> {
  const pgQueries = countPgQueries();
  const { buildApp } = (await import(new URL('app.js', SRC).href)) as { buildApp: typeof BuildApp };
  const { loadConfig } = (await import(new URL('config.js', SRC).href)) as { loadConfig: typeof LoadConfig };
  const config = loadConfig(process.env);
  const level = process.env.BENCH_LOG_LEVEL;
  // `hookline serve` logs every request at info; the benchmark runs silent unless asked, as a tuned deployment would.
  const app = await buildApp({ config, logger: level ? ({ level } as never) : false });
  const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    await app.start();
  };
  if (process.env.BENCH_DEFER_WORKER !== '1') await start();
  serveRpc(
    {
      start: () => start(),
      idle: async () => {
        await app.worker?.idle();
        return true;
      },
      /** Resets VmHWM, so the next `stats` shows the peak since now. */
      resetPeak: () => {
        writeFileSync('/proc/self/clear_refs', '5');
        return true;
      },
      /** Statements and round trips sent to PostgreSQL so far (zero on SQLite). */
      pgQueries: () => pgQueries(),
      gc: () => {
        (globalThis as { gc?: () => void }).gc?.();
        return true;
      },
    },
    () => app.close(),
  );
  announce({ address });
}

main().catch(fail);
