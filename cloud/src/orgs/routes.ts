import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organisation, organisationUpdateBody, session, signupBody } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor } from '../plugins/http.js';
import type { OrgsModuleOptions } from './index.js';

/** /signup (public), /organisation: the caller's own organisation, its scheduled deletion. */
export default async function orgRoutes(app: App, options: OrgsModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const orgs = options.orgs;
  const tags = ['organisation'];
  typedApp.post(
    '/signup',
    {
      // as tight as sign-in: each call hashes a password and creates rows
      config: { rateLimit: { max: options.signupRateLimit.max, timeWindow: options.signupRateLimit.windowSeconds * 1000 } },
      schema: {
        tags,
        security: [],
        summary: 'A new organisation and its first owner, signed in',
        body: signupBody,
        response: { 201: session },
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.signup(req.body)),
  );
  typedApp.get('/organisation', { onRequest: app.authorize(), schema: { tags, response: { 200: organisation } } }, (req) =>
    orgs.get(actor(req).orgId),
  );
  typedApp.patch(
    '/organisation',
    {
      onRequest: app.authorize('owner'),
      schema: { tags, summary: "The organisation's settings: its currency", body: organisationUpdateBody, response: { 200: organisation } },
    },
    (req) => orgs.update(actor(req), req.body),
  );
  typedApp.post(
    '/organisation/deletion',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        summary: 'Schedules the deletion of the organisation and all its data after the grace period (cancellable until then)',
        body: z.object({ confirm: z.string().max(200).describe("the organisation's name, typed again") }),
        response: { 200: organisation },
      },
    },
    (req) => orgs.scheduleDeletion(actor(req), req.body.confirm),
  );
  typedApp.delete(
    '/organisation/deletion',
    { onRequest: app.authorize('owner'), schema: { tags, summary: 'Cancels a scheduled deletion', response: { 200: organisation } } },
    (req) => orgs.cancelDeletion(actor(req)),
  );
}
