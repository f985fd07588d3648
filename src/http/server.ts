// The fastify server: GitHub's REST conventions (JSON parsing, API versions, request ids, ETags,
// errors) and every route served both at the root and under /api/v3 (the GHES base URL).
import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { BadRequest } from '../domain/errors.js';
import type { Principal } from '../services/access.js';
import { handleError, handleNotFound } from './errors.js';
import { registerRoutes, type RouteDeps } from './routes/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Path under https://docs.github.com/rest for error bodies, e.g. `repos/webhooks#list-repository-webhooks`. */
    docs?: string;
    /** Served without authentication. */
    public?: boolean;
  }
}

export const SUPPORTED_API_VERSIONS = ['2022-11-28'];
const DEFAULT_API_VERSION = '2022-11-28';

/** GitHub-style request id: five colon-separated hex groups. */
const REQUEST_ID_PREFIX = randomBytes(5).toString('hex').toUpperCase();
let requestCount = 0;
/**
 * A random prefix per process and a counter: unique across processes and restarts, without drawing
 * 16 random bytes per request (a few per cent of an ingest request's CPU).
 */
function requestId(): string {
  const n = (++requestCount).toString(16).toUpperCase().padStart(20, '0');
  return `${REQUEST_ID_PREFIX.slice(0, 4)}:${REQUEST_ID_PREFIX.slice(4)}:${n.slice(0, 6)}:${n.slice(6, 12)}:${n.slice(12)}`;
}

export interface ServerOptions extends RouteDeps {
  logger: boolean | { level: string };
  bodyLimitBytes: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer; key: Buffer } | null;
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const options: FastifyServerOptions = {
    bodyLimit: opts.bodyLimitBytes,
    genReqId: requestId,
    requestIdHeader: false,
  };
  options.logger = opts.logger;
  if (opts.https) Object.assign(options, { https: opts.https });
  const app = Fastify(options) as unknown as FastifyInstance;

  // GitHub parses every body as JSON whatever its Content-Type (curl -d sends form-encoded headers).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BadRequest('Problems parsing JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('X-GitHub-Request-Id', request.id);
    void reply.header('X-GitHub-Media-Type', 'github.v3; format=json');
    const asked = request.headers['x-github-api-version'];
    const version = typeof asked === 'string' && asked.trim() !== '' ? asked.trim() : DEFAULT_API_VERSION;
    if (!SUPPORTED_API_VERSIONS.includes(version)) {
      const list = SUPPORTED_API_VERSIONS.map((v, i) => `"${v}"${i === 0 ? ' (most recent)' : ''}`).join(', ');
      throw new BadRequest(
        `The version you specified in the "X-GitHub-API-Version" request header, "${version}", is not a supported version. The following versions are currently supported: ${list}.`,
      );
    }
    void reply.header('X-GitHub-Api-Version-Selected', version);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config?.public) return;
    // An unknown path is 404 for anonymous callers too (GitHub checks credentials only when some are sent).
    if (request.is404 && !request.headers.authorization) return;
    request.principal = await opts.services.access.authenticate(request.headers.authorization);
    void reply.header('X-OAuth-Scopes', request.principal.scopes.join(', '));
  });

  // ETag on successful GETs; a matching If-None-Match gets 304 with no body.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const etag = `W/"${createHash('sha256').update(payload).digest('hex').slice(0, 40)}"`;
    void reply.header('ETag', etag);
    const match = request.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === etag.slice(2) || t.trim() === '*')) {
      void reply.code(304);
      return '';
    }
    return payload;
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  void app.register(async (root) => registerRoutes(root, opts));
  void app.register(async (v3) => registerRoutes(v3, opts), { prefix: '/api/v3' });
  return app;
}
