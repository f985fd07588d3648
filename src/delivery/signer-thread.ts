// The signing thread (signer.ts sends it batches): the same domain `sign` as the event loop uses.
import { parentPort } from 'node:worker_threads';
import { sign } from '../domain/signature.js';

/** A batch: distinct bodies once, and for each request the index of its body and its secret. */
export interface SignBatch {
  id: number;
  bodies: Uint8Array[];
  bodyOf: number[];
  secrets: string[];
}

/** Signatures in request order (sha1, sha256 for each), and the requests that failed, by index. */
export interface SignReply {
  id: number;
  signatures: string[];
  errors: Record<number, string>;
}

parentPort?.on('message', ({ id, bodies, bodyOf, secrets }: SignBatch) => {
  const signatures = new Array<string>(secrets.length * 2);
  const errors: Record<number, string> = {};
  for (let i = 0; i < secrets.length; i++) {
    try {
      const s = sign(bodies[bodyOf[i]], secrets[i]);
      signatures[2 * i] = s.sha1;
      signatures[2 * i + 1] = s.sha256;
    } catch (err) {
      errors[i] = String((err as Error)?.message ?? err);
    }
  }
  parentPort!.postMessage({ id, signatures, errors } satisfies SignReply);
});
