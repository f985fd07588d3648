// Request checks that come before any service sees the request: JSON nested too deep to serialise
// again, and NUL characters in path segments (PostgreSQL refuses them in text; SQLite would look them
// up). Both are answered the same on every engine.
import type { FastifyRequest } from 'fastify';
import { BadRequest, NotFound } from '../domain/errors.js';

/**
 * Deepest accepted JSON nesting of a request body. JSON.parse copes with any depth, but JSON.stringify
 * (storing the payload, rendering an error that quotes a value) recurses and overflows the stack near
 * a few thousand levels; real webhook payloads nest about ten deep.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` (JSON, valid or not) opens more than `max` objects or arrays inside one another. */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: brackets inside it are text. An unterminated string is JSON.parse's to refuse.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Whether the quote at `at` is preceded by an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === 0x5c) n++;
  return n % 2 === 1;
}

/** Throws the 400 for a body nested deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(text: string): void {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new BadRequest(`Problems parsing JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** preValidation hook: a path segment holding NUL names nothing, so it is 404 before authentication. */
export async function rejectNulInPath(request: FastifyRequest): Promise<void> {
  const params = request.params as Record<string, unknown> | undefined;
  if (!params) return;
  for (const value of Object.values(params)) {
    if (typeof value === 'string' && value.includes('\u0000')) throw new NotFound();
  }
}
