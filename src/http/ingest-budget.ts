// Bounds the bytes of event bodies being ingested at once. A 25 MB payload costs several times its size
// while it is parsed, checked and serialised again, so a few concurrent ones could take the process's
// memory and stall every tenant's deliveries. A request reserves its declared size before its body is
// read and gives it back when its response is finished or its connection is gone, however it ended.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../domain/errors.js';

/** Seconds a refused client is told to wait (ingests are short; a second frees most of the budget). */
const RETRY_AFTER_SECONDS = 1;

/** 503 with Retry-After: the budget is taken by other requests in flight. */
class IngestBusy extends ServiceError {
  constructor() {
    super(503, 'Too many event bytes are being ingested at once; retry after the Retry-After interval');
  }
}

/** A count of reserved bytes against a limit. */
export class ByteBudget {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  /** Reserves `bytes` if they fit; a request alone always fits, so no single request is refused forever. */
  tryTake(bytes: number): boolean {
    if (this.inFlight > 0 && this.inFlight + bytes > this.limit) return false;
    this.inFlight += bytes;
    return true;
  }

  give(bytes: number): void {
    this.inFlight -= bytes;
  }
}

/**
 * An onRequest hook reserving the request's Content-Length (or `unknownSize`, the route's body limit,
 * when the body is chunked), answering 503 with Retry-After when it does not fit.
 */
export function reserveBodyBytes(budget: ByteBudget, unknownSize: number) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const declared = Number(request.headers['content-length']);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, unknownSize) : unknownSize;
    if (!budget.tryTake(bytes)) {
      void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new IngestBusy();
    }
    let held = true;
    const release = () => {
      if (held) budget.give(bytes);
      held = false;
    };
    // 'finish' when the response is written, 'close' when the connection goes first (an aborted upload).
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
  };
}
