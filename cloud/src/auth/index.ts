import type { FastifyInstance } from 'fastify';
import type { UserService } from '../users/index.js';
import type { AuthService } from './auth.service.js';
import authRoutes from './routes.js';

export { AuthService, type AuthServiceDeps, type Session } from './auth.service.js';

export interface AuthModuleOptions {
  auth: AuthService;
  /** /users is served here with sign-in: one route file for who may sign in and as what */
  users: UserService;
  loginRateLimit: { max: number; windowSeconds: number };
}

/** /auth/* (sign-in, refresh, sign-out, me, password) and /users. */
export async function authModule(app: FastifyInstance, options: AuthModuleOptions): Promise<void> {
  await app.register(authRoutes, options);
}
export { jwtSecretFile } from './jwt-secret.js';
