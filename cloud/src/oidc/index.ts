import type { FastifyInstance } from 'fastify';
import type { OidcService } from './oidc.service.js';
import oidcRoutes from './routes.js';

export { OidcService, type OidcServiceDeps } from './oidc.service.js';

export interface OidcModuleOptions {
  oidc: OidcService;
  rateLimit: { max: number; windowSeconds: number };
}

/** Sign-in with a company account: /organisation/oidc, /auth/oidc/start, /auth/oidc/callback. */
export async function oidcModule(app: FastifyInstance, options: OidcModuleOptions): Promise<void> {
  await app.register(oidcRoutes, options);
}
