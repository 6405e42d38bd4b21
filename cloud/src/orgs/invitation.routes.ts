import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInvitationBody,
  createInvitationBody,
  invitation,
  invitationCreated,
  invitationPreview,
  noContent,
  session,
} from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { OrgsModuleOptions } from './index.js';

const token = z.object({ token: z.string().min(1).max(200) });

/** /invitations: made by owners and managers; previewed and accepted by whoever holds the link. */
export default async function invitationRoutes(app: App, options: OrgsModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const invitations = options.invitations;
  const tags = ['invitations'];
  const open = {
    config: { rateLimit: { max: options.signupRateLimit.max * 3, timeWindow: options.signupRateLimit.windowSeconds * 1000 } },
  };
  typedApp.get(
    '/invitations',
    { onRequest: app.authorize('owner', 'manager'), schema: { tags, response: { 200: z.array(invitation) } } },
    (req) => invitations.list(actor(req).orgId),
  );
  typedApp.post(
    '/invitations',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags,
        summary: 'An invitation link with a role and an expiry; the link is shown once',
        body: createInvitationBody,
        response: { 201: invitationCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await invitations.invite({ ...actor(req), role: req.user.role }, req.body)),
  );
  typedApp.delete(
    '/invitations/:id',
    { onRequest: app.authorize('owner', 'manager'), schema: { tags, params: idParam, response: { 204: noContent } } },
    async (req, reply) => {
      await invitations.revoke(actor(req), req.params.id);
      return reply.code(204).send();
    },
  );
  // the token travels in a body, never a URL, so no log or proxy keeps it
  typedApp.post(
    '/invitations/preview',
    { ...open, schema: { tags, security: [], body: token, response: { 200: invitationPreview } } },
    (req) => invitations.preview(req.body.token),
  );
  typedApp.post(
    '/invitations/accept',
    {
      ...open,
      schema: {
        tags,
        security: [],
        summary: 'Sets a password, joins the organisation, signs in',
        body: acceptInvitationBody,
        response: { 201: session },
      },
    },
    async (req, reply) => reply.code(201).send(await invitations.accept(req.body)),
  );
}
