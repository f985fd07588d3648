// Request bodies of the App endpoints: the App manifest (GitHub's "registering a GitHub App from a
// manifest"), Hookline's installation body, and the installation-token body (apps/create-installation-access-token).
import { bodySchema } from './request-schema.js';

/** A GitHub App manifest. Unknown keys (Probot sends `version`) are accepted and ignored, as GitHub does. */
export interface ManifestInput {
  name: string;
  url: string;
  hook_attributes: { url: string; active?: boolean };
  description?: string;
  public?: boolean;
  default_events?: string[];
  default_permissions?: Record<string, string>;
  redirect_url?: string;
  callback_urls?: string[];
  setup_url?: string;
}

const text = (max: number) => ({ type: 'string', maxLength: max });

export const manifestBody = bodySchema<ManifestInput>(
  {
    type: 'object',
    required: ['name', 'url', 'hook_attributes'],
    properties: {
      // GitHub caps App names at 34 characters.
      name: { type: 'string', minLength: 1, maxLength: 34 },
      url: text(2048),
      hook_attributes: {
        type: 'object',
        required: ['url'],
        properties: { url: text(2048), active: { type: 'boolean' } },
      },
      description: text(1000),
      public: { type: 'boolean' },
      default_events: { type: 'array', maxItems: 100, items: text(64) },
      default_permissions: {
        type: 'object',
        maxProperties: 100,
        propertyNames: { pattern: '^[a-z_]{1,64}$' },
        additionalProperties: { enum: ['read', 'write', 'admin'] },
      },
      redirect_url: text(2048),
      callback_urls: { type: 'array', maxItems: 10, items: text(2048) },
      setup_url: text(2048),
    },
  },
  { required: true },
);

/** Hookline's installation body: the account, and which of its repositories the App may access. */
export interface InstallInput {
  account: string;
  repository_selection?: 'all' | 'selected';
  repositories?: string[];
}

export const installBody = bodySchema<InstallInput>(
  {
    type: 'object',
    required: ['account'],
    additionalProperties: false,
    properties: {
      account: text(100),
      repository_selection: { enum: ['all', 'selected'] },
      repositories: { type: 'array', maxItems: 500, items: text(200) },
    },
  },
  { required: true },
);

/** Narrowing an installation token; an empty POST (what @octokit/auth-app sends) asks for everything. */
export interface TokenInput {
  repositories?: string[];
  repository_ids?: number[];
  permissions?: Record<string, string>;
}

export const tokenBody = bodySchema<TokenInput>({
  type: 'object',
  additionalProperties: false,
  properties: {
    repositories: { type: 'array', maxItems: 500, items: text(100) },
    repository_ids: { type: 'array', maxItems: 500, items: { type: 'integer' } },
    permissions: { type: 'object', maxProperties: 100, additionalProperties: { enum: ['read', 'write', 'admin'] } },
  },
});
