import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { auditLog } from '../audit/index.js';
import { userRecords, type Member, type UserService } from '../users/index.js';
import type { AuthService, Session } from '../auth/index.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import type { Role } from '../plugins/principal.js';
import type { SecretBox } from '../plugins/secret-box.js';
import { OidcRepository, type IssuerRow } from './oidc.repository.js';
import { oidcError } from './errors.js';

export interface OidcServiceDeps {
  db: Db;
  users: UserService;
  auth: AuthService;
  box: SecretBox<{ clientSecret: string }>;
  logger: Logger;
  /** the dashboard's address: the issuer sends the browser back here with ?code&state */
  redirectUri: () => string;
  /** a sign-in started longer ago than this is refused at its callback */
  loginTtlSeconds?: number;
}
export interface OidcSettingsInput {
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
  defaultRole: Exclude<Role, 'owner'>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
/** plain http only to this machine (a local issuer in development and tests); every other issuer over TLS */
const loopback = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

/**
 * Sign-in with a company account (OpenID Connect, authorization code with PKCE, state and nonce),
 * one issuer per organisation. The first sign-in of an allowed e-mail domain joins the organisation
 * with the role its owner chose.
 */
export class OidcService {
  constructor(private readonly deps: OidcServiceDeps) {}

  /** Not set up is a state the owner's page shows, not an error: `{ configured: false }`. */
  async settings(orgId: string) {
    const row = await new OidcRepository(this.deps.db).get(orgId);
    return row ? this.view(row) : { configured: false as const };
  }

  /** Saves the issuer after checking it answers discovery, so a typo fails here and not at a bartender's sign-in. */
  async configure(a: Actor, s: OidcSettingsInput) {
    const domains = [...new Set(s.allowedDomains)];
    const repo = new OidcRepository(this.deps.db);
    const taken = await repo.domainsTaken(a.orgId, domains);
    if (taken.length) throw conflict(`another organisation signs in ${taken.join(', ')} already`, 'allowedDomains');
    await this.discover({ issuer: s.issuer, clientId: s.clientId }, s.clientSecret);
    const row = await repo.upsert({
      orgId: a.orgId,
      issuer: s.issuer,
      clientId: s.clientId,
      clientSecretSealed: this.deps.box.seal({ clientSecret: s.clientSecret }),
      allowedDomains: domains,
      defaultRole: s.defaultRole,
    });
    await auditLog(this.deps.db).record(a.orgId, {
      userId: a.userId,
      action: 'update',
      entity: 'oidc_issuer',
      entityId: a.orgId,
      detail: { issuer: s.issuer, allowedDomains: domains, defaultRole: s.defaultRole },
    });
    return this.view(row);
  }

  async remove(a: Actor): Promise<void> {
    if (!(await new OidcRepository(this.deps.db).remove(a.orgId))) throw notFound('OIDC issuer');
    await auditLog(this.deps.db).record(a.orgId, { userId: a.userId, action: 'delete', entity: 'oidc_issuer', entityId: a.orgId });
  }

  /** Starts a sign-in for the organisation that admits this e-mail's domain: where to send the browser. */
  async start(email: string): Promise<{ authorizationUrl: string }> {
    const row = await new OidcRepository(this.deps.db).findByDomain(domainOf(email));
    if (!row)
      throw new AppError(
        404,
        'oidc-not-configured',
        `no organisation signs in ${domainOf(email)} with a company account: use your password`,
        'email',
      );
    const config = await this.discover(row, this.deps.box.open(row.clientSecretSealed).clientSecret);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await new OidcRepository(this.deps.db).startLogin({
      orgId: row.orgId,
      stateHash: sha256(state),
      codeVerifier,
      nonce,
      expiresAt: new Date(Date.now() + (this.deps.loginTtlSeconds ?? 600) * 1000),
    });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.deps.redirectUri(),
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      login_hint: email,
    });
    return { authorizationUrl: url.href };
  }

  /** The issuer sent the browser back with ?code&state (the dashboard posts them here): checks everything, then signs in. */
  async callback(query: Record<string, string>): Promise<Session> {
    const state = query.state ?? '';
    const login = state ? await new OidcRepository(this.deps.db).claimLogin(sha256(state)) : undefined;
    if (!login)
      throw oidcError(
        400,
        'oidc-state-mismatch',
        'this sign-in’s state is not one this cloud started, or it was used already: start again',
      );
    if (login.expiresAt.getTime() < Date.now()) throw oidcError(400, 'oidc-login-expired', 'this sign-in took too long: start again');
    const row = await new OidcRepository(this.deps.db).get(login.orgId);
    if (!row) throw oidcError(400, 'oidc-not-configured', 'the organisation no longer signs in with a company account');
    const config = await this.discover(row, this.deps.box.open(row.clientSecretSealed).clientSecret);
    const current = new URL(this.deps.redirectUri());
    for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (e) {
      throw translate(e, row.issuer);
    }
    if (!claims) throw oidcError(401, 'oidc-no-id-token', 'the issuer sent no ID token');
    const member = await this.join(row, claims);
    return this.deps.auth.sessionFor(member, 'oidc');
  }

  /** The member this verified identity is: an existing one, or, for an allowed domain, a new one with the default role. */
  private async join(row: IssuerRow, claims: client.IDToken): Promise<Member> {
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
    if (!email) throw oidcError(401, 'oidc-no-email', 'the issuer did not say which e-mail signed in (ask for the email scope)');
    if (claims.email_verified === false) throw oidcError(403, 'oidc-email-unverified', `the issuer has not verified ${email}`);
    if (!row.allowedDomains.includes(domainOf(email)))
      throw oidcError(403, 'oidc-domain-not-allowed', `${domainOf(email)} may not sign in to this organisation with a company account`);
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email;
    // no password of theirs exists: a random one nobody knows keeps the password sign-in closed to them
    const unusable = await this.deps.users.hashPassword(randomBytes(32).toString('base64url'));
    return this.deps.db.transaction(async (tx) => {
      const users = userRecords(tx);
      const existing = await users.findByEmail(email);
      if (existing) {
        const m = await users.getMember(row.orgId, existing.id);
        if (!m) throw oidcError(409, 'email-taken', `${email} has an account in another organisation`);
        return m;
      }
      const user = await users.createUser({ email, name, passwordHash: unusable });
      await users.addMembership(row.orgId, user.id, row.defaultRole);
      await auditLog(tx).record(row.orgId, {
        userId: user.id,
        action: 'join',
        entity: 'user',
        entityId: user.id,
        detail: { via: 'oidc', issuer: row.issuer, role: row.defaultRole },
      });
      return { ...user, orgId: row.orgId, role: row.defaultRole };
    });
  }

  private async discover(row: { issuer: string; clientId: string }, secret: string): Promise<client.Configuration> {
    const url = new URL(row.issuer);
    try {
      return await client.discovery(
        url,
        row.clientId,
        secret,
        undefined,
        loopback(url) ? { execute: [client.allowInsecureRequests] } : undefined,
      );
    } catch (e) {
      this.deps.logger.warn({ err: e, issuer: row.issuer }, 'OIDC discovery failed');
      throw oidcError(
        400,
        'oidc-discovery-failed',
        `the issuer ${row.issuer} did not answer OpenID discovery: ${(e as Error).message}`,
        'issuer',
      );
    }
  }

  private view(issuer: IssuerRow) {
    return {
      configured: true as const,
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      allowedDomains: issuer.allowedDomains,
      defaultRole: issuer.defaultRole,
      redirectUri: this.deps.redirectUri(),
      updatedAt: issuer.updatedAt,
    };
  }
}

/** openid-client's refusals, said in the bar's words; anything unexpected stays a 502 naming the issuer. */
function translate(e: unknown, issuer: string): AppError {
  const err = e as {
    code?: string;
    message?: string;
    cause?: { claim?: string; cause?: { claim?: string } };
    error?: string;
    error_description?: string;
  };
  // openid-client wraps oauth4webapi's error, whose cause names the claim
  const claim = err.cause?.claim ?? err.cause?.cause?.claim;
  if (err.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'iss')
    return oidcError(401, 'oidc-issuer-mismatch', `the ID token was not issued by ${issuer}, the issuer configured for this organisation`);
  if (err.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'nonce')
    return oidcError(401, 'oidc-nonce-mismatch', 'the ID token’s nonce is not the one this sign-in sent: start again');
  if (err.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'aud')
    return oidcError(401, 'oidc-audience-mismatch', 'the ID token was issued to another client');
  if (err.error)
    return oidcError(
      401,
      'oidc-refused',
      `the issuer refused the sign-in: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  return oidcError(502, 'oidc-failed', `the sign-in with ${issuer} failed: ${err.message ?? 'unknown error'}`);
}
