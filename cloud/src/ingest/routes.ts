import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { deadLetterPage } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor } from '../plugins/http.js';
import type { DeadLettersModuleOptions } from './index.js';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export default async function deadLetterRoutes(app: App, o: DeadLettersModuleOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/dead-letters',
    {
      onRequest: app.authorize('owner', 'technician'),
      schema: {
        tags: ['devices'],
        summary: "The organisation's messages that ingestion refused, newest first; page on with before=nextBefore",
        querystring: z.object({
          deviceId: z.string().regex(DEVICE_ID_PATTERN, 'expected a thing name: 1-128 of [a-zA-Z0-9:_-]').optional(),
          reason: z.string().min(1).max(200).optional(),
          from: instant.optional(),
          to: instant.optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: deadLetterPage },
      },
    },
    (req) => o.deadLetters.list(actor(req).orgId, req.query),
  );
}
