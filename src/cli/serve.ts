// `serve` runs the API (and, unless --no-worker, the delivery worker); `worker` runs only the worker.
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { listenStartupError } from '../startup-error.js';
import { ensureSelfSigned, trustInstructions } from '../tls.js';
import { adminTokenNotice, keepGeneratedToken, secretKeyNotice } from './notices.js';

export async function runServe(config: Config, roles: { api: boolean }): Promise<void> {
  if (roles.api && config.tls?.selfSigned) await ensureSelfSigned(config.tls);
  const app = await buildApp({
    config: roles.api ? config : { ...config, runWorker: true, tls: null },
    logger: { level: config.logLevel },
    generateAdminToken: roles.api,
  });
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
  if (app.generatedAdminToken) keepGeneratedToken(config, app.generatedAdminToken);
  for (const warning of config.allowedHosts.warnings) console.log(`hookline: warning: HOOKLINE_ALLOWED_HOSTS: ${warning}`);
  const keyNotice = secretKeyNotice(app);
  if (keyNotice) console.log(keyNotice);
  await app.start();
  if (roles.api) {
    let address: string;
    try {
      address = await app.http.listen({ port: config.port, host: config.host });
    } catch (err) {
      await app.close();
      throw listenStartupError(config, err);
    }
    console.log(`hookline: API listening on ${address} (public URL ${config.publicUrl})`);
    if (config.tls?.selfSigned) console.log(trustInstructions(config.tls.cert, new URL(address).host));
    console.log(adminTokenNotice(config, app));
  } else {
    console.log('hookline: delivery worker running');
  }
}
