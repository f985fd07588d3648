// Validates response bodies against GitHub's published OpenAPI description (@octokit/openapi,
// api.github.com.json). The spec is OpenAPI 3.0, so it is converted to JSON Schema once (nullable,
// $ref targets) and compiled with ajv lazily, one cached validator per operation/status or schema.
import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** Where the spec's component schemas live once registered with ajv; every `$ref` is rewritten to it. */
const ROOT_ID = 'https://api.github.com/openapi.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  method: string;
  path: string;
  responses: Record<string, JsonObject>;
}

interface Loaded {
  ajv: Ajv;
  spec: JsonObject;
  operations: Map<string, Operation>;
}

let loaded: Loaded | null = null;
const validators = new Map<string, ValidateFunction>();

/** The path of the spec file, exported so tests can say what they validated against. */
export function specPath(): string {
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

function load(): Loaded {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(specPath(), 'utf8')) as JsonObject;
  const components = spec.components as JsonObject;
  const ajv = new Ajv({
    // The spec carries OpenAPI-only keywords (example, discriminator, x-github, deprecated, …).
    strict: false,
    allErrors: true,
    // Errors are collected by validators and reported by us; ajv must not print warnings itself.
    logger: { log() {}, warn() {}, error() {} },
  });
  addFormats(ajv);
  // Formats ajv-formats does not know: a repository's "owner/name", and opaque binary strings.
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: ROOT_ID, components: { schemas: mapValues(components.schemas as JsonObject, toJsonSchema) } } as AnySchema, undefined, undefined, false);

  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(spec.paths as Record<string, JsonObject>)) {
    for (const [method, op] of Object.entries(item)) {
      const operation = op as JsonObject;
      if (typeof operation?.operationId !== 'string') continue;
      operations.set(operation.operationId, { method, path, responses: operation.responses as Record<string, JsonObject> });
    }
  }
  loaded = { ajv, spec, operations };
  return loaded;
}

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a null-accepting type (and enum), or an
 * `anyOf` with null where there is no `type`; `#/components/...` refs point at the registered root.
 */
function toJsonSchema(node: Json): Json {
  if (!isObject(node)) return node;
  // With `nullable` on several `oneOf` branches, null would match more than one and fail `oneOf`:
  // make the whole `oneOf` nullable instead.
  if (Array.isArray(node.oneOf) && node.oneOf.filter((b) => isObject(b) && b.nullable === true).length > 1) {
    const oneOf = node.oneOf.map((b) => (isObject(b) ? { ...b, nullable: false } : b));
    node = { ...node, oneOf, nullable: true };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) out[key] = ROOT_ID + value;
    else if (SCHEMA_MAPS.has(key) && isObject(value)) out[key] = mapValues(value, toJsonSchema);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(toJsonSchema);
    else if (SUBSCHEMAS.has(key)) out[key] = Array.isArray(value) ? value.map(toJsonSchema) : toJsonSchema(value);
    else out[key] = value;
  }
  const nullable = out.nullable === true;
  delete out.nullable;
  if (!nullable) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  return { anyOf: [{ type: 'null' }, out] };
}

/** Keywords whose value is a schema, a list of schemas, or a map of name → schema. */
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mapValues(map: JsonObject, fn: (value: Json) => Json): JsonObject {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, fn(v)]));
}

/** Follows a `#/components/...` reference inside the raw spec (for response objects, which are not schemas). */
function deref(spec: JsonObject, node: JsonObject): JsonObject {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error(`reference loop at ${current.$ref}`);
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    let target: Json = spec;
    for (const part of pointer) target = (target as JsonObject)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!target || typeof target !== 'object') throw new Error(`unresolvable reference ${current.$ref}`);
    current = target as JsonObject;
  }
  return current;
}

/** The compiled validator for an operation's response body with this status. */
function responseValidator(operationId: string, status: number): ValidateFunction {
  const key = `${operationId} ${status}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const { ajv, spec, operations } = load();
  const op = operations.get(operationId);
  if (!op) throw new Error(`operation ${operationId} is not in ${specPath()}`);
  const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!declared) {
    throw new AssertionError({
      message: `${operationId} (${op.method.toUpperCase()} ${op.path}) does not document status ${status}; it documents ${Object.keys(op.responses).join(', ')}`,
      actual: status,
      expected: Object.keys(op.responses),
      operator: 'validateResponse',
    });
  }
  const response = deref(spec, declared);
  const content = response.content as Record<string, JsonObject> | undefined;
  const media = content?.['application/json'] ?? (content ? Object.values(content)[0] : undefined);
  // A response documented without a body (e.g. 204) accepts only an empty one.
  const schema = media?.schema === undefined ? { const: '' } : toJsonSchema(media.schema);
  const validate = ajv.compile(schema as AnySchema);
  validators.set(key, validate);
  return validate;
}

/** The compiled validator for `components/schemas/<name>`. */
export function schemaFor(name: string): ValidateFunction {
  const key = `#schema ${name}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const { ajv, spec } = load();
  if (!((spec.components as JsonObject).schemas as JsonObject)[name]) throw new Error(`components/schemas/${name} is not in ${specPath()}`);
  const validate = ajv.compile({ $ref: `${ROOT_ID}#/components/schemas/${name}` });
  validators.set(key, validate);
  return validate;
}

/** The value at a JSON pointer inside `body`, as a short hint for the error message. */
function valueAt(body: unknown, pointer: string): string {
  const value = pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], body);
  return value === undefined ? 'undefined' : JSON.stringify(value).slice(0, 120);
}

function explain(errors: ErrorObject[] | null | undefined, body: unknown): string {
  return (errors ?? [])
    .map((e) => {
      const got = e.instancePath ? ` — got ${valueAt(body, e.instancePath)}` : '';
      return `  ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)} (schema ${e.schemaPath})${got}`;
    })
    .join('\n');
}

function check(validate: ValidateFunction, body: unknown, what: string): void {
  if (validate(body)) return;
  throw new AssertionError({
    message: `${what} does not match GitHub's OpenAPI schema:\n${explain(validate.errors, body)}\nbody: ${JSON.stringify(body)?.slice(0, 2000)}`,
    actual: body,
    operator: 'validateResponse',
  });
}

/**
 * Asserts that `body` is what GitHub documents for `operationId` answering `status` (a 204 must have
 * no body: pass `undefined` or `''`). Throws an AssertionError listing every schema violation.
 */
export function validateResponse(operationId: string, status: number, body: unknown): void {
  // Octokit hands over an empty body as undefined; compare it as the empty string it was on the wire.
  check(responseValidator(operationId, status), body === undefined ? '' : body, `${operationId} ${status} body`);
}

/** Asserts that `value` matches `components/schemas/<name>`. */
export function validateSchema(name: string, value: unknown): void {
  check(schemaFor(name), value, `components/schemas/${name}`);
}
