import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorOrganisation, organisation, organisationCreated } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { OrgsModuleOptions } from './index.js';

/**
 * /operator/*: the cloud's operators (config orgs.operators, by e-mail) see every organisation.
 * Platform-wide on purpose, so outside the tenancy walk; anyone else gets 403.
 */
export default async function operatorRoutes(app: App, options: OrgsModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const orgs = options.orgs;
  const tags = ['operator'];
  typedApp.get(
    '/operator/organisations',
    { onRequest: app.authorize(), schema: { tags, response: { 200: z.array(operatorOrganisation) } } },
    (req) => orgs.listAll(actor(req)),
  );
  typedApp.post(
    '/operator/organisations',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'A new organisation and an invitation link for its owner',
        body: z.object({ organisation: z.string().trim().min(1).max(200), ownerEmail: z.email().max(254) }),
        response: { 201: organisationCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.create(actor(req), req.body)),
  );
  typedApp.post(
    '/operator/organisations/:id/suspend',
    {
      onRequest: app.authorize(),
      schema: { tags, params: idParam, body: z.object({ reason: z.string().trim().min(1).max(500) }), response: { 200: organisation } },
    },
    (req) => orgs.setSuspended(actor(req), req.params.id, req.body.reason),
  );
  typedApp.post(
    '/operator/organisations/:id/resume',
    { onRequest: app.authorize(), schema: { tags, params: idParam, response: { 200: organisation } } },
    (req) => orgs.setSuspended(actor(req), req.params.id, null),
  );
}
