// Page-number pagination with GitHub's Link header (first, prev, next, last), per_page clamped to 100.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Parsed page and per_page. */
export interface Page {
  page: number;
  perPage: number;
  offset: number;
}

function positiveInt(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function parsePage(query: unknown): Page {
  const q = (query ?? {}) as Record<string, unknown>;
  const perPage = Math.min(positiveInt(q.per_page, 30), 100);
  const page = positiveInt(q.page, 1);
  return { page, perPage, offset: (page - 1) * perPage };
}

/** Where routes are also served, as on GitHub Enterprise Server. */
const GHES_PREFIX = '/api/v3';

/**
 * The request's own URL under the public API URL (HOOKLINE_PUBLIC_URL, whose path a proxy may strip
 * before the request gets here) with some query parameters replaced. A client that came in through
 * /api/v3 keeps it in its links.
 */
export function selfUrl(request: FastifyRequest, publicApiUrl: string, params: Record<string, string>): string {
  const viaGhes = request.url === GHES_PREFIX || /^\/api\/v3[/?]/.test(request.url);
  const route = viaGhes ? request.url.slice(GHES_PREFIX.length) : request.url;
  const base = publicApiUrl.replace(/\/+$/, '');
  const url = new URL(`${viaGhes && !base.endsWith(GHES_PREFIX) ? base + GHES_PREFIX : base}${route}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function setPageLinks(request: FastifyRequest, reply: FastifyReply, publicApiUrl: string, p: Page, total: number): void {
  const last = Math.max(1, Math.ceil(total / p.perPage));
  if (last === 1 && p.page === 1) return;
  const link = (page: number, rel: string) =>
    `<${selfUrl(request, publicApiUrl, { per_page: String(p.perPage), page: String(page) })}>; rel="${rel}"`;
  const parts: string[] = [];
  if (p.page > 1) parts.push(link(Math.min(p.page - 1, last), 'prev'));
  if (p.page < last) parts.push(link(p.page + 1, 'next'));
  parts.push(link(last, 'last'), link(1, 'first'));
  void reply.header('Link', parts.join(', '));
}
