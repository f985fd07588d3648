// GitHub's manifest flow, minus the browser page: the site admin hands Hookline a manifest and gets a
// code (single use, one hour, stored hashed); whoever holds the code converts it, unauthenticated as on
// GitHub (Probot's setup does), with POST /app-manifests/{code}/conversions.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { NotFound } from '../domain/errors.js';
import type { Store } from '../storage/store.js';
import type { AccessService, Principal } from './access.js';
import { manifestBody, type ManifestInput } from './app-schemas.js';
import type { AppService, RegisteredApp } from './apps.js';
import { bodySchema } from './request-schema.js';
import { hashToken } from './tokens.js';

/** GitHub gives the whole flow an hour. */
const CODE_TTL_MS = 60 * 60 * 1000;

const codeBody = bodySchema<{ manifest: unknown }>(
  { type: 'object', required: ['manifest'], additionalProperties: false, properties: { manifest: { type: 'object' } } },
  { required: true },
);

export class AppManifestService {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly apps: AppService,
    private readonly clock: Clock,
  ) {}

  /** POST /hookline/app-manifests (site admin): a code for the manifest, checked now so mistakes show at once. */
  async createCode(principal: Principal, body: unknown): Promise<{ code: string; expiresAt: number }> {
    this.access.requireSiteAdmin(principal);
    const { manifest } = codeBody.check(body);
    const known = knownFields(manifestBody.check(manifest));
    const code = randomBytes(10).toString('hex');
    const expiresAt = this.clock.now().getTime() + CODE_TTL_MS;
    await this.store.insertManifestCode(hashToken(code), { ownerId: principal.user.id, manifest: JSON.stringify(known), expiresAt });
    return { code, expiresAt };
  }

  /** POST /app-manifests/{code}/conversions: registers the App; an unknown, used or expired code is NotFound. */
  async convert(code: string): Promise<RegisteredApp> {
    const kept = code.length <= 100 ? await this.store.takeManifestCode(hashToken(code)) : null;
    if (!kept || kept.expiresAt <= this.clock.now().getTime()) throw new NotFound();
    const owner = await this.store.findAccountById(kept.ownerId);
    if (!owner) throw new NotFound();
    return this.apps.registerFor(owner, JSON.parse(kept.manifest));
  }
}

const MANIFEST_KEYS: (keyof ManifestInput)[] = [
  'name', 'url', 'hook_attributes', 'description', 'public', 'default_events', 'default_permissions', 'redirect_url', 'callback_urls', 'setup_url',
];

/** The fields registration reads, each bounded by the schema; unknown keys (accepted, as on GitHub) are not kept. */
function knownFields(manifest: ManifestInput): ManifestInput {
  const known = Object.fromEntries(MANIFEST_KEYS.filter((k) => manifest[k] !== undefined).map((k) => [k, manifest[k]])) as unknown as ManifestInput;
  return { ...known, hook_attributes: { url: manifest.hook_attributes.url, active: manifest.hook_attributes.active } };
}
