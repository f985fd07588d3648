// `serve` runs the API (and, unless --no-worker, the delivery worker); `worker` runs only the worker,
// with no HTTP server.
import { buildApp, buildWorkerApp, type WorkerApp } from '../app.js';
import type { Config } from '../config.js';

export async function runServe(config: Config, roles: { api: boolean }): Promise<void> {
  const logger = { level: config.logLevel };
  let app: WorkerApp;
  if (roles.api) {
    const api = await buildApp({ config, logger });
    if (api.generatedAdminToken) {
      console.log(`\nHookline site administrator token (shown once, store it now):\n\n  ${api.generatedAdminToken}\n`);
    }
    await api.start();
    const address = await api.http.listen({ port: config.port, host: config.host });
    console.log(`hookline: API listening on ${address} (public URL ${config.publicUrl})`);
    app = api;
  } else {
    app = await buildWorkerApp({ config, logger });
    await app.start();
    console.log('hookline: worker started');
  }
  if (app.metricsHttp && config.metricsPort !== null) {
    const address = await app.metricsHttp.listen({ port: config.metricsPort, host: config.host });
    console.log(`hookline: metrics listening on ${address}/metrics`);
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
