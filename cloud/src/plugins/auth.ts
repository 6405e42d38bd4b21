import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../services/auth.service.js';
import { forbidden, unauthorized } from '../errors.js';

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
  }
}

/** Bearer JWT access tokens (short-lived) and role checks. Refresh tokens are opaque and live in the database. */
export default fp<{ secret: string; accessTokenTtlSeconds: number }>(
  async (app, o) => {
    await app.register(jwt, {
      secret: o.secret,
      sign: { expiresIn: o.accessTokenTtlSeconds, algorithm: 'HS256' },
      // a token without exp would never expire: refused even when its signature is ours
      verify: { algorithms: ['HS256'], requiredClaims: ['exp'] },
    });
    app.decorate('authorize', (...roles: Role[]) => async (req: FastifyRequest) => {
      try {
        await req.jwtVerify();
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw unauthorized(
          code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED'
            ? 'access token expired'
            : code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER'
              ? 'sign in required'
              : 'access token is not valid',
        );
      }
      if (roles.length && !roles.includes(req.user.role)) throw forbidden(`needs the role ${roles.join(' or ')}`);
    });
  },
  { name: 'auth' },
);
