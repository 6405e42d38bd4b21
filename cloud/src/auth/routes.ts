import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePasswordBody, inviteBody, member, noContent, session } from '@smartstock/api';
import { ROLES } from '../plugins/principal.js';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { AuthModuleOptions } from './index.js';

export default async function authRoutes(app: App, options: AuthModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const auth = options.auth;
  const users = options.users;
  typedApp.post(
    '/auth/login',
    {
      config: { rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.windowSeconds * 1000 } },
      schema: {
        tags: ['auth'],
        security: [],
        body: z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1024) }),
        response: { 200: session },
      },
    },
    (req) => auth.login(req.body.email, req.body.password),
  );
  typedApp.post(
    '/auth/refresh',
    {
      config: { rateLimit: { max: options.loginRateLimit.max * 6, timeWindow: options.loginRateLimit.windowSeconds * 1000 } },
      schema: { tags: ['auth'], security: [], body: z.object({ refreshToken: z.string().min(1).max(200) }), response: { 200: session } },
    },
    (req) => auth.refresh(req.body.refreshToken),
  );
  typedApp.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        security: [],
        body: z.object({ refreshToken: z.string().max(200).optional() }).optional(),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await auth.logout(req.body?.refreshToken);
      return reply.code(204).send();
    },
  );
  typedApp.get(
    '/auth/me',
    { onRequest: app.authorize(), config: { duringPasswordChange: true }, schema: { tags: ['auth'], response: { 200: member } } },
    (req) => auth.me(req.user),
  );
  typedApp.post(
    '/auth/password',
    {
      onRequest: app.authorize(),
      config: { duringPasswordChange: true },
      schema: { tags: ['auth'], body: changePasswordBody, response: { 204: noContent } },
    },
    async (req, reply) => {
      await auth.changePassword(req.user, req.body.password);
      return reply.code(204).send();
    },
  );
  typedApp.get(
    '/users',
    { onRequest: app.authorize('owner', 'manager'), schema: { tags: ['users'], response: { 200: z.array(member) } } },
    (req) => users.listUsers(actor(req).orgId),
  );
  typedApp.post(
    '/users',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags: ['users'],
        body: inviteBody,
        response: { 201: member },
      },
    },
    async (req, reply) => reply.code(201).send(await users.createUser(actor(req).orgId, actor(req).userId, req.body)),
  );
  typedApp.patch(
    '/users/:id',
    {
      onRequest: app.authorize('owner'),
      schema: { tags: ['users'], params: idParam, body: z.object({ role: z.enum(ROLES) }), response: { 200: member } },
    },
    (req) => users.setRole(actor(req).orgId, actor(req).userId, req.params.id, req.body.role),
  );
  typedApp.delete(
    '/users/:id',
    { onRequest: app.authorize('owner'), schema: { tags: ['users'], params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await users.removeUser(actor(req).orgId, actor(req).userId, req.params.id);
      return reply.code(204).send();
    },
  );
}
