// GHES site-admin user administration: suspend, unsuspend, delete a user, delete their impersonation
// token. Site administrators only (others get 404, as for the other admin endpoints here). Effects are
// immediate: authentication reads the token and its user from the database on every request.
import type { Clock } from '../domain/clock.js';
import { Forbidden, NotFound } from '../domain/errors.js';
import { isoSeconds, type Account } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import type { AccessService, Principal } from './access.js';
import { bodySchema } from './request-schema.js';

/** `{reason}` goes to GHES's audit log; Hookline keeps none, so it is only checked. */
const reasonBody = bodySchema<{ reason?: string }>({ type: 'object', properties: { reason: { type: 'string' } } });

export class UserAdminService {
  constructor(private readonly store: Store, private readonly access: AccessService, private readonly clock: Clock) {}

  /** PUT /users/{username}/suspended. Suspending a suspended user keeps the first timestamp. */
  async suspend(principal: Principal, username: string, body: unknown): Promise<void> {
    const user = await this.ordinaryUser(principal, username, 'suspended');
    reasonBody.check(body);
    if (user.suspendedAt === null) await this.store.setSuspended(user.id, isoSeconds(this.clock.now()));
  }

  /** DELETE /users/{username}/suspended. */
  async unsuspend(principal: Principal, username: string, body: unknown): Promise<void> {
    const user = await this.ordinaryUser(principal, username, 'suspended');
    reasonBody.check(body);
    if (user.suspendedAt !== null) await this.store.setSuspended(user.id, null);
  }

  /** DELETE /admin/users/{username}: the user and their repositories, hooks and tokens. */
  async deleteUser(principal: Principal, username: string): Promise<void> {
    const user = await this.ordinaryUser(principal, username, 'deleted');
    await this.store.deleteUser(user.id);
  }

  /** DELETE /admin/users/{username}/authorizations. */
  async deleteImpersonationTokens(principal: Principal, username: string): Promise<void> {
    const user = await this.ordinaryUser(principal, username, 'deleted');
    await this.store.deleteImpersonationTokens(user.id);
  }

  /** The named user, if the caller is a site administrator; site administrators themselves are refused (403). */
  private async ordinaryUser(principal: Principal, username: string, what: 'suspended' | 'deleted'): Promise<Account> {
    this.access.requireSiteAdmin(principal);
    const user = await this.store.findAccountByLogin(username);
    if (!user || user.type !== 'User') throw new NotFound();
    if (user.siteAdmin) throw new Forbidden(`Site administrators cannot be ${what}; demote them first`);
    return user;
  }
}
