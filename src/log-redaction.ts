// What the request log may show. GitHub clients send tokens as `?access_token=` (refused, but still a
// URL that fastify logs) and in Authorization headers; a URL may carry user-info. Every logged URL goes
// through redactUrl, and header paths that hold credentials are censored by pino wherever they appear.
import type { FastifyRequest } from 'fastify';

const CENSORED = '[REDACTED]';

/** Query parameters whose values are credentials (OAuth, signed URLs, and the obvious names). */
const CREDENTIAL_PARAMS = new Set([
  'access_token', 'refresh_token', 'id_token', 'token', 'client_secret', 'code', 'state', 'jwt', 'password',
  'secret', 'signature', 'sig', 'key', 'api_key', 'apikey', 'private_token', 'x-amz-signature', 'x-amz-credential',
]);

/** A URL (absolute, or a path with a query) with credential parameters and a user-info password censored. */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, `$1:${CENSORED}@`);
  const q = out.indexOf('?');
  if (q === -1) return out;
  const hash = out.indexOf('#', q);
  const end = hash === -1 ? out.length : hash;
  const query = out
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      return CREDENTIAL_PARAMS.has(safeDecode(name).toLowerCase()) ? `${name}=${CENSORED}` : pair;
    })
    .join('&');
  out = `${out.slice(0, q + 1)}${query}${out.slice(end)}`;
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Header names censored in any logged object (`req.headers`, `headers`, `err.headers`, …), as Node and as undici write them. */
const HEADER_PATHS = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-hub-signature', 'x-hub-signature-256']
  .flatMap((h) => [h, h.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())])
  .flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]);

/** Options for fastify's pino logger that keep credentials out of every line, on top of `base`. */
export function redactingLogger<T extends object>(base: T) {
  return {
    ...base,
    redact: { paths: HEADER_PATHS, censor: CENSORED },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
