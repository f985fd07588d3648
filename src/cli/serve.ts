// `serve` runs the API (and, unless --no-worker, the delivery worker); `worker` runs only the worker.
import { buildApp } from '../app.js';
import type { Config } from '../config.js';

export async function runServe(config: Config, roles: { api: boolean }): Promise<void> {
  const app = await buildApp({ config: roles.api ? config : { ...config, runWorker: true }, logger: { level: config.logLevel } });
  if (app.generatedAdminToken) {
    console.log(`\nHookline site administrator token (shown once, store it now):\n\n  ${app.generatedAdminToken}\n`);
  }
  await app.start();
  if (app.metricsHttp && config.metricsPort !== null) {
    const address = await app.metricsHttp.listen({ port: config.metricsPort, host: config.host });
    console.log(`hookline: metrics listening on ${address}/metrics`);
  }
  if (roles.api) {
    const address = await app.http.listen({ port: config.port, host: config.host });
    console.log(`hookline: API listening on ${address} (public URL ${config.publicUrl})`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`hookline: ${signal} received, shutting down`);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
