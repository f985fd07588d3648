// `serve` runs the API (and, unless --no-worker, the delivery worker); `worker` runs only the worker,
// with no HTTP server (and never makes an admin token).
import { buildApp, buildWorkerApp, type WorkerApp } from '../app.js';
import type { Config } from '../config.js';
import { listenStartupError } from '../startup-error.js';
import { ensureSelfSigned, trustInstructions } from '../tls.js';
import { adminTokenNotice, keepGeneratedToken, secretKeyNotice } from './notices.js';

export async function runServe(config: Config, roles: { api: boolean }): Promise<void> {
  if (roles.api && config.tls?.selfSigned) await ensureSelfSigned(config.tls);
  const logger = { level: config.logLevel };
  const api = roles.api ? await buildApp({ config, logger }) : null;
  const app: WorkerApp = api ?? (await buildWorkerApp({ config: { ...config, tls: null }, logger }));
  // Installed before anything is announced, so a signal right after "listening" finds them in place.
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
  if (api?.generatedAdminToken) keepGeneratedToken(config, api.generatedAdminToken);
  for (const warning of config.allowedHosts.warnings) console.log(`hookline: warning: HOOKLINE_ALLOWED_HOSTS: ${warning}`);
  const keyNotice = secretKeyNotice(app);
  if (keyNotice) console.log(keyNotice);
  await app.start();
  if (app.metricsHttp && config.metricsPort !== null) {
    try {
      const address = await app.metricsHttp.listen({ port: config.metricsPort, host: config.host });
      console.log(`hookline: metrics listening on ${address}/metrics`);
    } catch (err) {
      await app.close();
      throw listenStartupError({ ...config, port: config.metricsPort }, err, 'HOOKLINE_METRICS_PORT');
    }
  }
  if (api) {
    let address: string;
    try {
      address = await api.http.listen({ port: config.port, host: config.host });
    } catch (err) {
      await app.close();
      throw listenStartupError(config, err);
    }
    console.log(`hookline: API listening on ${address} (public URL ${config.publicUrl})`);
    if (config.tls?.selfSigned) console.log(trustInstructions(config.tls.cert, new URL(address).host));
    console.log(adminTokenNotice(config, api));
  } else {
    console.log('hookline: delivery worker running');
  }
}
