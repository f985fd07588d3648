// GitHub's delivery signatures: HMAC hex digests over the exact body bytes that are sent.
import { createHmac } from 'node:crypto';

/** X-Hub-Signature (SHA-1, kept for old receivers) and X-Hub-Signature-256. */
export interface Signatures {
  sha1: string;
  sha256: string;
}

export function sign(body: Uint8Array, secret: string): Signatures {
  return {
    sha1: `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
    sha256: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}
