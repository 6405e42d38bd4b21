import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from './principal.js';
import { AppError, forbidden, unauthorized } from '../errors.js';
import { VerifiedTokens } from './verified-tokens.js';

/** verified access tokens remembered, never past a token's exp: a dashboard sends the same one all session */
const VERIFIED_TOKENS = 10_000;
const BEARER = /^Bearer\s+(\S*)\s*$/i;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Principal;
    user: Principal;
  }
}
declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: a valid bearer access token, and one of these roles (any role when none given) */
    authorize(...roles: Role[]): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** for a verified req.user: a 403 while its one-time password is unchanged, unless the route allows it */
    requirePasswordChanged(req: FastifyRequest): Promise<void>;
    /** for a verified req.user: a 401 once they left the organisation; else req.user.role becomes the role they hold now */
    requireMember(req: FastifyRequest): Promise<void>;
  }
  interface FastifyContextConfig {
    /** the routes a user with a one-time password may still use: me, change-password (logout needs no token) */
    duringPasswordChange?: boolean;
  }
}

/** Bearer JWT access tokens (short-lived) and role checks. Refresh tokens are opaque and live in the database. */
export default fp<{
  secret: string;
  accessTokenTtlSeconds: number;
  mustChangePassword?: (userId: string) => Promise<boolean>;
  /** the role held now (undefined: no longer a member): a demotion or removal outranks the token's role at once */
  roleOf?: (orgId: string, userId: string) => Promise<Role | undefined>;
  /** why the caller's organisation is refused now (suspended), or undefined */
  orgRefusal?: (orgId: string) => Promise<AppError | undefined>;
}>(
  async (app, o) => {
    await app.register(jwt, {
      secret: o.secret,
      sign: { expiresIn: o.accessTokenTtlSeconds, algorithm: 'HS256' },
      // a token without exp would never expire: refused even when its signature is ours
      verify: { algorithms: ['HS256'], requiredClaims: ['exp'] },
    });
    // only tokens issued while the password was one-time carry pwd: everyone else costs no query
    app.decorate('requirePasswordChanged', async (req: FastifyRequest) => {
      if (!req.user.pwd || req.routeOptions.config.duringPasswordChange) return;
      // without a way to ask (a bare test app), such a token stays limited
      if (await (o.mustChangePassword?.(req.user.sub) ?? true))
        throw new AppError(403, 'password-change-required', 'choose your own password first (POST /api/v1/auth/password)');
    });
    app.decorate('requireMember', async (req: FastifyRequest) => {
      // without a way to ask (a bare test app), the token's role stands
      if (!o.roleOf) return;
      const role = await o.roleOf(req.user.org, req.user.sub);
      if (!role) throw unauthorized('you are no longer a member of this organisation');
      req.user = { ...req.user, role };
    });
    const verified = new VerifiedTokens(VERIFIED_TOKENS);
    /**
     * The bearer's principal: verified once, then remembered until it expires, instead of decoding it
     * twice and checking its HMAC on every request (req.jwtVerify()), a tenth of a cached read's CPU.
     */
    const principalOf = (authorization: string | undefined): Principal => {
      const bearer = authorization === undefined ? null : BEARER.exec(authorization);
      if (!bearer) throw unauthorized('sign in required');
      const token = bearer[1]!;
      const known = verified.get(token);
      if (known) return known;
      try {
        const principal = app.jwt.verify<Principal & { exp: number }>(token);
        verified.set(token, principal);
        return principal;
      } catch (e) {
        throw unauthorized((e as { code?: string }).code === 'FAST_JWT_EXPIRED' ? 'access token expired' : 'access token is not valid');
      }
    };
    app.decorate('authorize', (...roles: Role[]) => async (req: FastifyRequest) => {
      req.user = principalOf(req.headers.authorization);
      await app.requireMember(req);
      const refusal = await o.orgRefusal?.(req.user.org);
      if (refusal) throw refusal;
      await app.requirePasswordChanged(req);
      if (roles.length && !roles.includes(req.user.role)) throw forbidden(`needs the role ${roles.join(' or ')}`);
    });
  },
  { name: 'auth' },
);
