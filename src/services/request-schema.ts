// Schema checks for request bodies, reported the way GitHub reports them: 400 for a body that is not a
// JSON object, 422 "Invalid request." with one line per problem for unknown keys and wrong types.
import { Ajv, type ErrorObject, type JSONSchemaType, type Schema } from 'ajv';
import { BadRequest, InvalidRequest } from '../domain/errors.js';

// verbose: errors carry the offending value (`e.data`), which GitHub's messages quote.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });

/** A compiled body schema; `check` returns the body typed, or throws GitHub's error. */
export interface BodySchema<T> {
  check(body: unknown): T;
}

export function bodySchema<T>(schema: Schema | JSONSchemaType<T>, options: { required?: boolean } = {}): BodySchema<T> {
  const validate = ajv.compile(schema);
  return {
    check(body) {
      if (body === undefined || body === null) {
        if (options.required) throw new BadRequest('Body should be a JSON object');
        body = {};
      }
      if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Body should be a JSON object');
      if (!validate(body)) throw new InvalidRequest(describe(validate.errors ?? []));
      return body as T;
    },
  };
}

function describe(errors: ErrorObject[]): string {
  const lines: string[] = [];
  const unknown = errors
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => `"${(e.params as { additionalProperty: string }).additionalProperty}"`);
  if (unknown.length === 1) lines.push(`${unknown[0]} is not a permitted key.`);
  if (unknown.length > 1) lines.push(`${unknown.join(', ')} are not permitted keys.`);
  for (const e of errors) {
    const where = e.schemaPath.replace(/^#\//, '').replace(/\/[^/]+$/, '');
    if (e.keyword === 'type') {
      const types = ([] as string[]).concat((e.params as { type: string | string[] }).type as string);
      lines.push(`For '${where}', ${inspect(e.data)} is not ${types.map(article).join(' or ')}.`);
    } else if (e.keyword === 'required') {
      lines.push(`"${(e.params as { missingProperty: string }).missingProperty}" wasn't supplied.`);
    } else if (e.keyword === 'enum') {
      lines.push(`For '${where}', ${inspect(e.data)} is not a member of ${JSON.stringify(e.schema)}.`);
    } else if (e.keyword !== 'additionalProperties') {
      lines.push(`For '${where}', ${inspect(e.data)} ${e.message ?? 'is invalid'}.`);
    }
  }
  return lines.join('\n');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Renders a value as GitHub's (Ruby) messages do: nil for null, strings quoted. */
function inspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  return JSON.stringify(value);
}
