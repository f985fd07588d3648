// HTTPS material: PEM files from HOOKLINE_TLS_CERT / HOOKLINE_TLS_KEY, or for local use a self-signed
// certificate for localhost and 127.0.0.1 that `serve --tls` creates beside the data.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TlsFiles } from './config.js';
import { StartupError } from './startup-error.js';

/** The names a local certificate is valid for: what `gh` and Node clients dial on this machine. */
const LOCAL_NAMES = ['localhost'];
const LOCAL_ADDRESSES = ['127.0.0.1', '::1'];

/** Certificate and key as the HTTPS server takes them. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/**
 * Writes a self-signed certificate and its key to `files` unless the certificate exists already.
 * Returns whether it generated one. EC P-256 keeps generation instant; SHA-256 is what clients accept.
 */
export async function ensureSelfSigned(files: TlsFiles, now = new Date()): Promise<boolean> {
  if (existsSync(files.cert) && existsSync(files.key)) return false;
  // Loaded here, not at the top: its X.509 stack is what only `serve --tls` needs, and every process
  // that imports this file (all of them, for readTls) would otherwise load and keep it.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...LOCAL_NAMES.map((value) => ({ type: 2 as const, value })), ...LOCAL_ADDRESSES.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  mkdirSync(dirname(files.key), { recursive: true });
  mkdirSync(dirname(files.cert), { recursive: true });
  writeFileSync(files.key, pems.private, { mode: 0o600 });
  writeFileSync(files.cert, pems.cert, { mode: 0o644 });
  return true;
}

/** Reads the PEM files; a missing or unreadable one stops the start naming its setting. */
export function readTls(files: TlsFiles): TlsMaterial {
  const read = (path: string, setting: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new StartupError(`${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  return { cert: read(files.cert, 'HOOKLINE_TLS_CERT'), key: read(files.key, 'HOOKLINE_TLS_KEY') };
}

/** How to make clients trust a self-signed certificate, printed when `serve --tls` starts on `host` (host:port). */
export function trustInstructions(certFile: string, host: string): string {
  const certPath = resolve(certFile);
  return [
    `hookline: HTTPS with a self-signed certificate for ${[...LOCAL_NAMES, ...LOCAL_ADDRESSES].join(', ')}: ${certPath}`,
    `  gh:   SSL_CERT_FILE=${certPath} GH_HOST=${host} GH_ENTERPRISE_TOKEN=<token> gh auth status`,
    `  Node: NODE_EXTRA_CA_CERTS=${certPath} node app.js`,
    `  curl: curl --cacert ${certPath} …`,
  ].join('\n');
}
