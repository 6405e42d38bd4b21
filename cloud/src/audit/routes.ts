import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditPage } from '@smartstock/api';
import { actor } from '../plugins/http.js';
import type { AuditService } from './audit.service.js';

const word = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected 1-64 of [a-z0-9_.-], starting with a letter');
const at = z.iso.datetime({ offset: true });

/** /api/v1/audit: who changed what, for the owner only (it names every member and what they did). */
export async function auditRoutes(app: FastifyInstance, options: { audit: AuditService }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  typedApp.get(
    '/audit',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags: ['audit'],
        summary: "The organisation's audit trail, newest first; filter by actor (a user id), action, entity and time",
        querystring: z.object({
          actor: z.uuid().optional(),
          action: word.optional(),
          entity: word.optional(),
          from: at.optional().describe('inclusive'),
          to: at.optional().describe('exclusive'),
          cursor: z.string().max(20).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: auditPage },
      },
    },
    (req) => {
      const q = req.query;
      return options.audit.page(actor(req).orgId, {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
    },
  );
}
