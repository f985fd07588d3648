// Path parameter helpers shared by route files.
import { NotFound } from '../../domain/errors.js';

/** Path parameters as fastify hands them over. */
export type Params = Record<string, string>;

/** A numeric id from the path; anything else is a 404, as GitHub's router would answer. */
export function idParam(value: string | undefined): number {
  if (!value || !/^\d{1,15}$/.test(value)) throw new NotFound();
  return Number(value);
}
