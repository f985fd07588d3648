// Request body schemas for hook endpoints, transcribed from GitHub's OpenAPI description.
import { bodySchema } from './request-schema.js';

/** Config as a client sends it. */
export interface ConfigInput {
  url?: string;
  content_type?: string;
  secret?: string;
  insecure_ssl?: string | number;
  username?: string;
  password?: string;
}

/** Create and update bodies, repository and organization flavours merged. */
export interface HookInput {
  name?: string;
  config?: ConfigInput;
  events?: string[];
  add_events?: string[];
  remove_events?: string[];
  active?: boolean;
}

// URL, secret and credentials are bounded with every other stored text (domain/text-limits.ts); these
// bound what only the schema sees.
const url = { type: 'string' };
const contentType = { type: 'string', maxLength: 64 };
const secret = { type: 'string' };
const insecureSsl = { type: ['string', 'number'], maxLength: 8 };
const events = { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 100 } };
const repoConfig = { type: 'object', properties: { url, content_type: contentType, secret, insecure_ssl: insecureSsl } };
const orgConfig = {
  type: 'object',
  properties: { ...repoConfig.properties, username: { type: 'string' }, password: { type: 'string' } },
};

/** R2: `additionalProperties: false`, nothing required. */
export const repoCreateBody = bodySchema<HookInput>({
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string' }, config: repoConfig, events, active: { type: 'boolean' } },
});

/** R4: body required; no `name`; `add_events`/`remove_events`. */
export const repoUpdateBody = bodySchema<HookInput>(
  {
    type: 'object',
    properties: { config: repoConfig, events, add_events: events, remove_events: events, active: { type: 'boolean' } },
  },
  { required: true },
);

/** R7: `additionalProperties: false`. */
export const repoConfigBody = bodySchema<ConfigInput>({
  type: 'object',
  additionalProperties: false,
  properties: repoConfig.properties,
});

/** O2: `name` and `config` (with `url`) required. */
export const orgCreateBody = bodySchema<HookInput>(
  {
    type: 'object',
    required: ['name', 'config'],
    properties: {
      name: { type: 'string' },
      config: { ...orgConfig, required: ['url'] },
      events,
      active: { type: 'boolean' },
    },
  },
  { required: true },
);

/** O4: `config`, if sent, must carry `url`; `name` accepted; no add/remove events. */
export const orgUpdateBody = bodySchema<HookInput>({
  type: 'object',
  properties: { config: { ...orgConfig, required: ['url'] }, events, active: { type: 'boolean' }, name: { type: 'string' } },
});

/** O7. The credentials are typed here too: the config they merge into carries them (see O2, O4). */
export const orgConfigBody = bodySchema<ConfigInput>({ type: 'object', properties: orgConfig.properties });
