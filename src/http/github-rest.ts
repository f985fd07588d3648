// GitHub's REST conventions as one encapsulated fastify plugin: JSON bodies whatever the Content-Type,
// API version headers, token authentication, ETags, GitHub's error shape, and every route served both at
// the root and under /api/v3 (the GHES base URL). Registered without fastify-plugin, so routes beside
// it (a dashboard, /metrics) inherit none of this.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../domain/errors.js';
import type { Principal } from '../services/access.js';
import { handleError, handleNotFound } from './errors.js';
import { checkJsonDepth, rejectNulInPath } from './hostile-input.js';
import type { RouteDeps } from './route-deps.js';
import { registerRoutes } from './routes/index.js';

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

export async function githubRest(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  // GitHub parses every body as JSON whatever its Content-Type (curl -d sends form-encoded headers).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      checkJsonDepth(text);
      done(null, JSON.parse(text));
    } catch (err) {
      done(err instanceof BadRequest ? err : new BadRequest('Problems parsing JSON'), undefined);
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

  app.addHook('preValidation', rejectNulInPath);

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config?.public) return;
    // An unknown path is 404 for anonymous callers too (GitHub checks credentials only when some are sent),
    // and for GitHub App installations (Probot reads a missing .github/config.yml as a 404).
    if (request.is404 && (!request.headers.authorization || (await deps.services.appAccess.isInstallationToken(request.headers.authorization)))) return;
    // A route may have authenticated in its onRequest hook already (ingest: before reading the body).
    request.principal ??= await deps.services.access.authenticate(request.headers.authorization);
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

  await app.register(async (root) => registerRoutes(root, deps));
  await app.register(async (v3) => registerRoutes(v3, deps), { prefix: '/api/v3' });
}
