// The dashboard as an encapsulated fastify plugin under /dashboard: form bodies instead of JSON, a
// session cookie instead of a token, a CSRF token and an Origin check on every POST, HTML errors, and a
// Content-Security-Policy without 'unsafe-inline' on every response.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../../domain/errors.js';
import type { Principal } from '../../services/access.js';
import type { DashboardService } from '../../services/dashboard.js';
import { errorBody } from '../errors.js';
import type { RouteDeps } from '../route-deps.js';
import type { PageContext } from './html.js';
import { registerDashboardRoutes } from './routes.js';
import { errorPage } from './views-site.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard session of this request, if its cookie names a live one. */
    dashboard: { sessionId: string; principal: Principal } | null;
  }
}

export interface DashboardDeps extends RouteDeps {
  dashboard: DashboardService;
  /** Keys the CSRF tokens' HMAC; derived from the secret key so every API process accepts the same tokens. */
  csrfKey: Buffer;
}

export const SESSION_COOKIE = 'hookline_session';
const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const FORM_LIMIT_BYTES = 256 * 1024;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** Headers every dashboard response carries, set where a response starts (hooks, error handler, root redirect). */
function securityHeaders(reply: FastifyReply): void {
  void reply.header('Content-Security-Policy', CSP);
  void reply.header('X-Content-Type-Options', 'nosniff');
  void reply.header('Referrer-Policy', 'same-origin');
}

/**
 * Cookies are Secure when the browser is on HTTPS: when the request is, or when the public URL is (behind a
 * TLS-terminating proxy Hookline itself sees plain HTTP).
 */
export function cookieSecurity(deps: Pick<RouteDeps, 'urls'>): true | 'auto' {
  return deps.urls.html.startsWith('https:') ? true : 'auto';
}

/** Thrown by pages that need a signed-in user; answered with the sign-in page. */
export class SignInRequired extends Error {}

/** What a CSRF token is bound to: the session, or (before sign-in) none; the library refuses an empty value. */
function csrfBinding(request: FastifyRequest): string {
  return request.dashboard ? `session:${request.dashboard.sessionId}` : 'signed-out';
}

/** The frame context of a page: who is signed in, and a CSRF token bound to the session. */
export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  const session = request.dashboard;
  return {
    login: session?.principal.user.login ?? null,
    siteAdmin: session?.principal.siteAdmin ?? false,
    csrf: reply.generateCsrf({ userInfo: csrfBinding(request) }),
  };
}

export async function dashboardPlugin(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  // Served beside the REST API: none of its routes take a token (the API's auth skips public routes).
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: FORM_LIMIT_BYTES });
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/dashboard', sameSite: 'strict', httpOnly: true, secure: cookieSecurity(deps) },
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: deps.csrfKey },
  });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', decorateReply: false, index: false });

  app.decorateRequest('dashboard', null);
  app.addHook('onRequest', async (request, reply) => {
    securityHeaders(reply);
    if (request.url.startsWith('/dashboard/static/')) return; // the same for everyone: no session needed
    void reply.header('Cache-Control', 'no-store');
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) {
      const principal = await deps.dashboard.principalOf(sessionId);
      if (principal) request.dashboard = { sessionId, principal };
    }
  });
  // A post from another host or port is refused before anything else; the CSRF token covers browsers
  // that send no Origin. The scheme is not compared: behind a TLS-terminating proxy Hookline sees http.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const origin = request.headers.origin;
    if (origin !== undefined && !sameHost(origin, request.host)) {
      void reply.code(403).type('text/html').send(errorPage(pageContext(request, reply), 403, 'Cross-origin request refused.'));
      return;
    }
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof SignInRequired) return reply.redirect('/dashboard', 303);
    const status = error instanceof ServiceError ? error.status : (error as FastifyError).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, requestId: request.id }, 'unexpected error');
    const message = status >= 500 ? 'Server Error' : status === 403 ? 'Invalid or missing form token: reload the page and try again.' : error.message;
    securityHeaders(reply); // the REST layer's hooks may have refused the request before the dashboard's ran
    return reply.code(status).type('text/html').send(errorPage(errorContext(request, reply), status, message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).type('text/html').send(errorPage(pageContext(request, reply), 404, 'Not Found')));

  registerDashboardRoutes(app, deps);
}

/** The frame of an error page; without the cookie parser's work (a request refused early) it is a signed-out frame. */
function errorContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return request.cookies ? pageContext(request, reply) : { login: null, siteAdmin: false, csrf: '' };
}

/** Whether an Origin names this host and port (a default port written out or not). */
function sameHost(origin: string, host: string): boolean {
  try {
    const parsed = new URL(origin);
    return parsed.host === new URL(`${parsed.protocol}//${host}`).host;
  } catch {
    return false; // "null" and other opaque origins
  }
}

/** `/` sends browsers to the dashboard; API clients asking for JSON get JSON, as before. */
export async function rootRedirect(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { public: true } }, async (request, reply) => {
    if (/\btext\/html\b/.test(request.headers.accept ?? '')) {
      securityHeaders(reply);
      return reply.redirect('/dashboard', 302);
    }
    // The REST layer's own 404, with its credential check, exactly as before this route existed.
    return reply.callNotFound();
  });
}
