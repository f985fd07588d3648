// An App's own webhook server on 127.0.0.1, port 0: the request handler is set once the App client
// exists (the App must be registered, with this server's URL, before its key is known).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from './server.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface AppReceiver {
  /** The webhook URL (the path both Probot and @octokit/app serve by default). */
  url: string;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startAppReceiver(): Promise<AppReceiver> {
  let handler: Handler = (_req, res) => {
    res.writeHead(503);
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    handle(h) {
      handler = h;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A promise with its resolve and reject, for handlers that run inside an App client. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A listening Hookline (worker started, loopback targets allowed), an App receiver, and user `octo`. */
export async function startAppRig() {
  const receiver = await startAppReceiver();
  const server = await startServer({ HOOKLINE_ALLOWED_HOSTS: 'loopback' });
  await server.app.start();
  const admin = server.octokit(server.adminToken);
  await admin.request('POST /admin/users', { login: 'octo', email: 'octo@example.com' });
  /** Registers an App whose webhook is the receiver; returns the manifest conversion's fields. */
  const register = async (manifest: Record<string, unknown>) =>
    // `data`: the manifest's own `url` key would otherwise be taken by Octokit as the request URL.
    (await admin.request('POST /hookline/apps', {
      data: { url: 'https://example.com', hook_attributes: { url: receiver.url }, ...manifest },
    })).data as { id: number; pem: string; webhook_secret: string; slug: string; client_id: string; client_secret: string };
  return {
    receiver, server, admin, register,
    async close() {
      await receiver.close();
      await server.close();
    },
  };
}
