import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  noContent,
  oidcCallbackBody,
  oidcSettings,
  oidcSettingsBody,
  oidcSettingsState,
  oidcStart,
  oidcStartBody,
  session,
} from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor } from '../plugins/http.js';
import type { OidcModuleOptions } from './index.js';

/** /organisation/oidc (the owner's issuer settings) and /auth/oidc/* (the sign-in itself). */
export default async function oidcRoutes(app: App, options: OidcModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const oidc = options.oidc;
  const tags = ['auth'];
  const limited = { rateLimit: { max: options.rateLimit.max, timeWindow: options.rateLimit.windowSeconds * 1000 } };
  typedApp.get('/organisation/oidc', { onRequest: app.authorize('owner'), schema: { tags, response: { 200: oidcSettingsState } } }, (req) =>
    oidc.settings(actor(req).orgId),
  );
  typedApp.put(
    '/organisation/oidc',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        summary: 'The OpenID Connect issuer people of the allowed domains sign in with',
        body: oidcSettingsBody,
        response: { 200: oidcSettings },
      },
    },
    (req) => oidc.configure(actor(req), req.body),
  );
  typedApp.delete(
    '/organisation/oidc',
    { onRequest: app.authorize('owner'), schema: { tags, response: { 204: noContent } } },
    async (req, reply) => {
      await oidc.remove(actor(req));
      return reply.code(204).send();
    },
  );
  typedApp.post(
    '/auth/oidc/start',
    { config: limited, schema: { tags, security: [], body: oidcStartBody, response: { 200: oidcStart } } },
    (req) => oidc.start(req.body.email),
  );
  typedApp.post(
    '/auth/oidc/callback',
    { config: limited, schema: { tags, security: [], body: oidcCallbackBody, response: { 200: session } } },
    (req) => oidc.callback(Object.fromEntries(new URLSearchParams(req.body.query))),
  );
}
