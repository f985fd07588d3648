// `serve --tls` and HOOKLINE_TLS_CERT/KEY through the CLI: a self-signed certificate made beside the
// data, instructions that work (NODE_EXTRA_CA_CERTS), https URLs, and one-line errors for bad files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { listeningAddress, runCli, startCli } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hookline-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** GET over HTTPS trusting only `ca`; resolves with the status code. */
function httpsStatus(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('HTTPS', () => {
  test('serve --tls makes a certificate for localhost and 127.0.0.1 in the data directory and says how to trust it', async () => {
    const db = `sqlite:${join(dir, 'hookline.db')}`;
    const first = await startCli(['serve', '--tls', '--port', '0', '--database-url', db], {}, /site administrator token/);
    try {
      const cert = join(dir, 'tls', 'cert.pem');
      const out = first.output();
      assert.match(out, new RegExp(`HTTPS with a self-signed certificate for localhost, 127\\.0\\.0\\.1, ::1: ${cert}`));
      const address = listeningAddress(out);
      assert.match(out, new RegExp(`gh: +SSL_CERT_FILE=${cert} GH_HOST=${new URL(address).host} GH_ENTERPRISE_TOKEN=<token> gh auth status`));
      assert.match(out, new RegExp(`Node: NODE_EXTRA_CA_CERTS=${cert} `));
      assert.match(address, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(out, /\(public URL https:\/\/127\.0\.0\.1:0\)/, 'the default public URL is https');
      const ca = readFileSync(cert);
      const port = new URL(address).port;
      assert.equal(await httpsStatus(`https://127.0.0.1:${port}/healthz`, ca), 200);
      assert.equal(await httpsStatus(`https://localhost:${port}/healthz`, ca), 200);
      await assert.rejects(httpsStatus(`https://127.0.0.1:${port}/healthz`, Buffer.from('')), /self-signed|certificate/i, 'untrusted without the CA');

      // The printed advice for Node, followed literally.
      const viaEnv = await new Promise<string>((resolve, reject) => execFile(
        process.execPath, ['-e', `fetch('https://localhost:${port}/healthz').then((r) => console.log(r.status))`],
        { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: cert } },
        (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
      ));
      assert.equal(viaEnv, '200');
    } finally {
      await first.stop();
    }

    const before = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const again = await startCli(['serve', '--tls', '--port', '0', '--database-url', db], {}, /site administrator token/);
    await again.stop();
    assert.equal(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'), before, 'a later start keeps the certificate clients trust');
  });

  test('HOOKLINE_TLS_CERT/KEY serve HTTPS with the given files; a missing file or half a pair is one line naming the setting', async () => {
    const env = { HOOKLINE_TLS_CERT: join(dir, 'tls', 'cert.pem'), HOOKLINE_TLS_KEY: join(dir, 'tls', 'key.pem') };
    const served = await startCli(['serve', '--port', '0', '--database-url', 'sqlite::memory:'], env, /API listening on \S+/);
    try {
      const address = listeningAddress(served.output());
      assert.match(address, /^https:/);
      assert.equal(await httpsStatus(`${address}/healthz`, readFileSync(env.HOOKLINE_TLS_CERT)), 200);
    } finally {
      await served.stop();
    }

    const missing = await runCli(['serve', '--port', '0', '--database-url', 'sqlite::memory:'], { ...env, HOOKLINE_TLS_CERT: join(dir, 'nope.pem') });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `hookline: HOOKLINE_TLS_CERT: cannot read ${join(dir, 'nope.pem')} (ENOENT)`);

    const half = await runCli(['serve', '--port', '0', '--database-url', 'sqlite::memory:'], { HOOKLINE_TLS_KEY: env.HOOKLINE_TLS_KEY });
    assert.equal(half.code, 2);
    assert.match(half.stderr, /HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY must be set together \(only HOOKLINE_TLS_KEY is\)/);
  });
});

test('a process that never makes a certificate does not load the certificate generator', async () => {
  // The app imports tls.ts for reading PEM files; the X.509 stack behind `serve --tls` costs every
  // other process its start-up time and memory.
  const app = fileURLToPath(new URL('../../src/app.ts', import.meta.url));
  const probe = `import { createRequire } from 'node:module';
    await import(${JSON.stringify(app)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/selfsigned/'));
    console.log(JSON.stringify(loaded));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe]);
  assert.deepEqual(JSON.parse(stdout.trim()), []);
});
