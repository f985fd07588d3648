// Who is calling as a GitHub App: an RS256 JWT signed with the App's key (`iss` = App id or client
// id), or an installation access token (`ghs_…`). Kept apart from AccessService, which resolves
// users' tokens; the App routes call these instead. The messages of the three claim failures are
// GitHub's, byte for byte: @octokit/auth-app matches them to correct its clock and retry.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../domain/clock.js';
import { ServiceError } from '../domain/errors.js';
import type { AppRecord, InstallationRecord, InstallationTokenRecord } from '../storage/app-store.js';
import { rememberBounded } from '../bounded-map.js';
import type { Store } from '../storage/store.js';
import { hashToken } from './tokens.js';

export const JWT_UNDECODABLE = 'A JSON web token could not be decoded';
export const JWT_EXPIRED = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
export const JWT_TOO_LONG = "'Expiration time' claim ('exp') is too far in the future";
/** GitHub's 403 for a suspended installation (what octokit.rb matches). */
export const SUSPENDED = 'This installation has been suspended';
export const JWT_BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.";

/** GitHub's limit on a JWT's lifetime. */
const MAX_LIFETIME_S = 600;
/** Clock skew forgiven on `iat` and on the lifetime limit (clients date `iat` 30–60 s back for the same reason). */
const LEEWAY_S = 60;

/** Parsed public keys kept before the cache starts over. */
const MAX_CACHED_KEYS = 10_000;

/** A 401 with one of GitHub's App-authentication messages, or 404 `Integration not found`. */
export class AppAuthFailed extends ServiceError {}

/** The App a valid JWT speaks for. */
export interface AppCaller {
  app: AppRecord;
}

/** The installation a valid installation token speaks for, and what the token itself may do. */
export interface InstallationCaller {
  installation: InstallationRecord;
  token: InstallationTokenRecord;
  tokenHash: string;
}

export class AppAccess {
  private readonly keys = new Map<number, KeyObject>();

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  /** Resolves `Authorization: Bearer <jwt>` (scheme in any case) to the App it was signed by. */
  async app(authorization: string | undefined): Promise<AppCaller> {
    const jwt = /^bearer\s+([\w-]+\.[\w-]+\.[\w-]+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!jwt) throw new AppAuthFailed(401, JWT_UNDECODABLE);
    let iss: unknown;
    try {
      if (decodeProtectedHeader(jwt).alg !== 'RS256') throw new AppAuthFailed(401, JWT_UNDECODABLE);
      iss = (decodeJwt(jwt) as { iss?: unknown }).iss;
    } catch (err) {
      if (err instanceof AppAuthFailed) throw err;
      throw new AppAuthFailed(401, JWT_UNDECODABLE);
    }
    const app = await this.findIssuer(iss);
    if (!app) throw new AppAuthFailed(404, 'Integration not found');
    const now = this.clock.now();
    let claims: { iat?: unknown; exp?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(jwt, this.keyOf(app), {
        algorithms: ['RS256'], currentDate: now, requiredClaims: ['iat', 'exp'],
      }));
    } catch (err) {
      const claim = (err as { claim?: string }).claim;
      if (err instanceof joseErrors.JWTExpired || claim === 'exp') throw new AppAuthFailed(401, JWT_EXPIRED);
      if (claim === 'iat') throw new AppAuthFailed(401, JWT_BAD_IAT);
      throw new AppAuthFailed(401, JWT_UNDECODABLE);
    }
    const nowS = Math.floor(now.getTime() / 1000);
    if (!Number.isInteger(claims.iat) || (claims.iat as number) > nowS + LEEWAY_S) throw new AppAuthFailed(401, JWT_BAD_IAT);
    if ((claims.exp as number) > nowS + MAX_LIFETIME_S + LEEWAY_S) throw new AppAuthFailed(401, JWT_TOO_LONG);
    // What the App then looks up (repositories, its installations) is cached under the accounts
    // version: read it, as every authenticated request does (storage/account-cache.ts).
    await this.store.syncAccounts();
    return { app };
  }

  /** Resolves `Authorization: token|Bearer ghs_…`; unknown, revoked or expired tokens are `Bad credentials`. */
  async installation(authorization: string | undefined): Promise<InstallationCaller> {
    if (!authorization) throw new AppAuthFailed(401, 'Requires authentication');
    const text = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!text) throw new AppAuthFailed(401, 'Bad credentials');
    // Looked up by a SHA-256 of the token, so timing reveals nothing about stored tokens.
    const tokenHash = hashToken(text);
    const token = await this.store.findInstallationToken(tokenHash);
    const installation = token && token.expiresAt > this.clock.now().getTime() ? await this.store.findInstallation(token.installationId) : null;
    if (!token || !installation) throw new AppAuthFailed(401, 'Bad credentials');
    if (installation.suspendedAt !== null) throw new AppAuthFailed(403, SUSPENDED);
    return { installation, token, tokenHash };
  }

  /** Whether `authorization` carries a working installation token (for answers that depend only on that). */
  async isInstallationToken(authorization: string): Promise<boolean> {
    return this.installation(authorization).then(() => true, () => false);
  }

  /** `iss` is the App id (a JSON number, as Probot sends it, or a numeric string) or the client id. */
  private async findIssuer(iss: unknown): Promise<AppRecord | null> {
    if (typeof iss === 'number') return Number.isSafeInteger(iss) && iss > 0 ? this.store.findApp({ id: iss }) : null;
    if (typeof iss !== 'string' || iss.length === 0 || iss.length > 100) return null;
    return /^\d{1,15}$/.test(iss) ? this.store.findApp({ id: Number(iss) }) : this.store.findApp({ clientId: iss });
  }

  private keyOf(app: AppRecord): KeyObject {
    let key = this.keys.get(app.id);
    // An App's key never changes (Hookline keeps one per App), so a parsed key stays right.
    if (!key) rememberBounded(this.keys, app.id, (key = createPublicKey(app.publicKey)), MAX_CACHED_KEYS);
    return key;
  }
}
