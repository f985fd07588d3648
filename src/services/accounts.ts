// Provisioning, following GitHub Enterprise Server's admin API: users, organizations, impersonation
// tokens, repositories, org memberships and collaborators.
import type { Clock } from '../domain/clock.js';
import { NotFound, ValidationFailed } from '../domain/errors.js';
import { OAUTH_SCOPES } from '../domain/oauth-scopes.js';
import { checkTexts } from '../domain/text-limits.js';
import { isoSeconds, type Account, type OrgRole, type RepoPermission, type Repository, type TokenRecord } from '../domain/model.js';
import { Conflict, type Store } from '../storage/store.js';
import { SITE_ADMIN_LOGIN, type AccessService, type Principal } from './access.js';
import { bodySchema } from './request-schema.js';
import { generateToken, hashToken } from './tokens.js';

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const ROLES: OrgRole[] = ['admin', 'member'];
const PERMISSIONS: RepoPermission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

const userBody = bodySchema<{ login: string; email?: string; suspended?: boolean }>(
  { type: 'object', required: ['login'], properties: { login: { type: 'string' }, email: { type: 'string' }, suspended: { type: 'boolean' } } },
  { required: true },
);
const orgBody = bodySchema<{ login: string; admin: string; profile_name?: string }>(
  {
    type: 'object',
    required: ['login', 'admin'],
    properties: { login: { type: 'string' }, admin: { type: 'string' }, profile_name: { type: 'string' } },
  },
  { required: true },
);
const tokenBody = bodySchema<{ scopes?: string[] }>({
  type: 'object',
  properties: { scopes: { type: 'array', items: { type: 'string' } } },
});
const repoBody = bodySchema<{ name: string; private?: boolean; description?: string }>(
  {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, private: { type: 'boolean' }, description: { type: ['string', 'null'] }, visibility: { type: 'string' } },
  },
  { required: true },
);
const membershipBody = bodySchema<{ role?: OrgRole }>({ type: 'object', properties: { role: { type: 'string', enum: ROLES } } });
const collaboratorBody = bodySchema<{ permission?: RepoPermission }>({
  type: 'object',
  properties: { permission: { type: 'string', enum: PERMISSIONS } },
});

/** Which site administrator token is in force: HOOKLINE_ADMIN_TOKEN, the stored one, one made now, or none yet. */
export type AdminTokenSource = 'environment' | 'stored' | 'generated' | 'none';

const ADMIN_TOKEN_SETTING = 'admin_token_hash';

export class AccountService {
  constructor(private readonly store: Store, private readonly access: AccessService, private readonly clock: Clock) {}

  /**
   * Makes sure the site administrator exists and knows its token: the configured one, else the stored
   * hash, else (when `generate`) a new token that is returned once so it can be printed.
   */
  async ensureSiteAdmin(configured: string | null, generate = true): Promise<{ generatedToken: string | null; source: AdminTokenSource }> {
    if (!(await this.store.findAccountByLogin(SITE_ADMIN_LOGIN))) {
      try {
        await this.store.insertAccount({ login: SITE_ADMIN_LOGIN, type: 'User', email: null, name: 'Site administrator', siteAdmin: true, now: this.now() });
      } catch (err) {
        if (!(err instanceof Conflict)) throw err; // another process created it first
      }
    }
    if (configured) {
      this.access.setAdminTokenHash(hashToken(configured));
      return { generatedToken: null, source: 'environment' };
    }
    if (!generate) {
      const stored = await this.store.getSetting(ADMIN_TOKEN_SETTING);
      if (stored) this.access.setAdminTokenHash(stored);
      return { generatedToken: null, source: stored ? 'stored' : 'none' };
    }
    const candidate = generateToken();
    const stored = await this.store.putSettingIfAbsent(ADMIN_TOKEN_SETTING, hashToken(candidate));
    this.access.setAdminTokenHash(stored);
    return stored === hashToken(candidate) ? { generatedToken: candidate, source: 'generated' } : { generatedToken: null, source: 'stored' };
  }

  async createUser(principal: Principal, body: unknown): Promise<Account> {
    this.access.requireSiteAdmin(principal);
    const input = userBody.check(body);
    checkLogin(input.login, 'User');
    rejectTexts('User', [['email', input.email, 'email']]);
    const user = await this.insertAccount({ login: input.login, type: 'User', email: input.email ?? null, name: null });
    if (!input.suspended) return user;
    const suspendedAt = this.now();
    await this.store.setSuspended(user.id, suspendedAt);
    return { ...user, suspendedAt };
  }

  async createOrganization(principal: Principal, body: unknown): Promise<Account> {
    this.access.requireSiteAdmin(principal);
    const input = orgBody.check(body);
    checkLogin(input.login, 'Organization');
    rejectTexts('Organization', [['admin', input.admin, 'lookup'], ['profile_name', input.profile_name, 'name']]);
    const admin = await this.store.findAccountByLogin(input.admin);
    if (!admin || admin.type !== 'User') {
      throw new ValidationFailed([{ resource: 'Organization', code: 'invalid', field: 'admin', message: `${input.admin} is not a user` }]);
    }
    const org = await this.insertAccount({ login: input.login, type: 'Organization', email: null, name: input.profile_name ?? null });
    await this.store.setOrgMembership(org.id, admin.id, 'admin');
    return org;
  }

  async createImpersonationToken(principal: Principal, username: string, body: unknown): Promise<{ token: string; record: TokenRecord; user: Account }> {
    this.access.requireSiteAdmin(principal);
    const input = tokenBody.check(body);
    const unknown = [...new Set(input.scopes ?? [])].filter((s) => !OAUTH_SCOPES.has(s));
    if (unknown.length > 0) {
      throw new ValidationFailed(unknown.map((s) => ({
        resource: 'OauthAccess', code: 'invalid', field: 'scopes', message: `${JSON.stringify(s.slice(0, 100))} is not a valid scope`,
      })));
    }
    const user = await this.store.findAccountByLogin(username);
    if (!user || user.type !== 'User') throw new NotFound();
    const token = generateToken();
    const scopes = [...new Set(input.scopes ?? [])].sort();
    const record = await this.store.insertToken({ userId: user.id, tokenHash: hashToken(token), scopes, note: 'impersonation', now: this.now() });
    return { token, record, user };
  }

  /** POST /user/repos (owner: the caller) or POST /orgs/{org}/repos. */
  async createRepository(principal: Principal, orgLogin: string | null, body: unknown): Promise<Repository> {
    let owner = principal.user;
    if (orgLogin !== null) {
      const org = await this.store.findAccountByLogin(orgLogin);
      if (!org || org.type !== 'Organization') throw new NotFound();
      if (!principal.siteAdmin && !(await this.store.findOrgRole(org.id, principal.user.id))) throw new NotFound();
      owner = org;
    }
    if (!this.access.hasScope(principal, ['repo', 'public_repo'])) throw new NotFound();
    const input = repoBody.check(body);
    rejectTexts('Repository', [['description', input.description, 'description']]);
    if (!REPO_NAME.test(input.name) || input.name === '.' || input.name === '..') {
      throw new ValidationFailed([{ resource: 'Repository', code: 'custom', field: 'name', message: 'name is invalid' }]);
    }
    try {
      const repo = await this.store.insertRepository({
        ownerId: owner.id, name: input.name, private: input.private ?? false, description: input.description ?? null, now: this.now(),
      });
      // On GitHub the member who creates an organization repository gets admin on it.
      if (orgLogin !== null && !principal.siteAdmin) await this.store.setCollaborator(repo.id, principal.user.id, 'admin');
      return repo;
    } catch (err) {
      if (err instanceof Conflict) {
        throw new ValidationFailed([{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }]);
      }
      throw err;
    }
  }

  async setMembership(principal: Principal, orgLogin: string, username: string, body: unknown): Promise<{ org: Account; user: Account; role: OrgRole }> {
    const org = await this.store.findAccountByLogin(orgLogin);
    if (!org || org.type !== 'Organization' || !(await this.access.ownsOrg(principal, org))) throw new NotFound();
    if (!this.access.hasScope(principal, ['admin:org', 'write:org'])) throw new NotFound();
    const input = membershipBody.check(body);
    const user = await this.store.findAccountByLogin(username);
    if (!user || user.type !== 'User') throw new NotFound();
    const role = input.role ?? 'member';
    await this.store.setOrgMembership(org.id, user.id, role);
    return { org, user, role };
  }

  async addCollaborator(principal: Principal, ownerLogin: string, repoName: string, username: string, body: unknown): Promise<void> {
    const repo = await this.store.findRepository(ownerLogin, repoName);
    if (!repo || !(await this.access.administersRepo(principal, repo))) throw new NotFound();
    if (!this.access.hasScope(principal, ['repo', ...(repo.private ? [] : ['public_repo'])])) throw new NotFound();
    const input = collaboratorBody.check(body);
    const user = await this.store.findAccountByLogin(username);
    if (!user || user.type !== 'User') throw new NotFound();
    await this.store.setCollaborator(repo.id, user.id, input.permission ?? 'push');
  }

  private async insertAccount(a: { login: string; type: Account['type']; email: string | null; name: string | null }): Promise<Account> {
    try {
      return await this.store.insertAccount({ ...a, siteAdmin: false, now: this.now() });
    } catch (err) {
      if (err instanceof Conflict) {
        throw new ValidationFailed([{ resource: a.type, code: 'already_exists', field: 'login', message: 'login already exists' }]);
      }
      throw err;
    }
  }

  private now(): string {
    return isoSeconds(this.clock.now());
  }
}

/** Throws the 422 for strings over their cap or holding NUL. */
function rejectTexts(resource: string, fields: Parameters<typeof checkTexts>[1]): void {
  const errors = checkTexts(resource, fields);
  if (errors.length > 0) throw new ValidationFailed(errors);
}

function checkLogin(login: string, resource: string): void {
  if (!LOGIN.test(login)) {
    throw new ValidationFailed([{ resource, code: 'invalid', field: 'login', message: 'login may only contain alphanumeric characters or single hyphens, and cannot begin or end with a hyphen' }]);
  }
}
