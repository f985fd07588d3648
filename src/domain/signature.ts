// GitHub's delivery signatures: HMAC hex digests over the exact body bytes that are sent, in a
// synchronous form (createHmac, on the calling thread) and an asynchronous one (WebCrypto, hashed on
// libuv's threadpool); both give the same headers.
import { createHmac, webcrypto } from 'node:crypto';

/** X-Hub-Signature (SHA-1, kept for old receivers) and X-Hub-Signature-256. */
export interface Signatures {
  sha1: string;
  sha256: string;
}

/** The headers' values: each algorithm's name, `=`, and its hex digest. */
function signatures(sha1: string, sha256: string): Signatures {
  return { sha1: `sha1=${sha1}`, sha256: `sha256=${sha256}` };
}

export function sign(body: Uint8Array, secret: string): Signatures {
  const hex = (algorithm: string) => createHmac(algorithm, secret).update(body).digest('hex');
  return signatures(hex('sha1'), hex('sha256'));
}

/** As `sign`, hashed off the calling thread (WebCrypto copies `body` first). `secret` must not be empty. */
export async function signOffThread(body: Uint8Array, secret: string): Promise<Signatures> {
  const key = Buffer.from(secret, 'utf8'); // as createHmac takes a string secret
  const hex = async (hash: string) => {
    const hmac = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']);
    return Buffer.from(await webcrypto.subtle.sign('HMAC', hmac, body)).toString('hex');
  };
  const [sha1, sha256] = await Promise.all([hex('SHA-1'), hex('SHA-256')]);
  return signatures(sha1, sha256);
}
