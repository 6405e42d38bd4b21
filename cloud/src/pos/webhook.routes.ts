import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookAck } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import type { PosService } from './pos.service.js';

/**
 * POST /api/v1/pos/square/webhook/{connectionId}: no session, the signature is the proof.
 * Its scope reads JSON as raw bytes, since the signature covers the body exactly as sent.
 */
export default async function webhookRoutes(app: App, o: { pos: PosService }) {
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.withTypeProvider<ZodTypeProvider>().post(
    '/pos/square/webhook/:connectionId',
    {
      // Square posts from a few addresses for every venue; an unsigned request costs one HMAC
      config: { rateLimit: false },
      schema: {
        tags: ['pos'],
        summary: "Square's webhook (x-square-hmacsha256-signature over the notification URL and the raw body)",
        params: z.object({ connectionId: z.uuid() }),
        response: { 200: webhookAck },
      },
    },
    (req) => o.pos.webhook('square', req.params.connectionId, req.body as Buffer, req.headers),
  );
}
