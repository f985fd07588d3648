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

/** The request's own URL on the public origin with some query parameters replaced. */
export function selfUrl(request: FastifyRequest, publicOrigin: string, params: Record<string, string>): string {
  const url = new URL(request.url, publicOrigin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function setPageLinks(request: FastifyRequest, reply: FastifyReply, publicOrigin: string, p: Page, total: number): void {
  const last = Math.max(1, Math.ceil(total / p.perPage));
  if (last === 1 && p.page === 1) return;
  const link = (page: number, rel: string) =>
    `<${selfUrl(request, publicOrigin, { per_page: String(p.perPage), page: String(page) })}>; rel="${rel}"`;
  const parts: string[] = [];
  if (p.page > 1) parts.push(link(Math.min(p.page - 1, last), 'prev'));
  if (p.page < last) parts.push(link(p.page + 1, 'next'));
  parts.push(link(last, 'last'), link(1, 'first'));
  void reply.header('Link', parts.join(', '));
}
