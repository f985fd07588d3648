// Delivery signatures that never stall the event loop. Rule: a body below INLINE_MAX_BYTES is signed with
// createHmac on the event loop; a larger one with WebCrypto on libuv's threadpool, one body at a time
// (WebCrypto copies the body for each call, so a 25 MB payload fanned out to many hooks holds one copy,
// not one per hook), so a large payload never blocks the requests behind it.
import { sign, signOffThread, type Signatures } from '../domain/signature.js';

/** Bodies this large or larger are hashed off the event loop. */
export const INLINE_MAX_BYTES = 64 * 1024;

/** The large body being hashed now, and those queued behind it. */
let largeQueue: Promise<unknown> = Promise.resolve();

/** Both signatures of `body` under `secret`. */
export async function signBody(body: Buffer, secret: string): Promise<Signatures> {
  // An empty secret (stored as none, so never in practice) stays here too: WebCrypto refuses empty keys.
  if (body.length < INLINE_MAX_BYTES || secret === '') return sign(body, secret);
  const signed = largeQueue.then(() => signOffThread(body, secret));
  largeQueue = signed.catch(() => undefined);
  return signed;
}
