import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookAck } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import type { PosService } from './pos.service.js';

const WEBHOOKS: { provider: 'square' | 'toast' | 'tabit'; summary: string }[] = [
  { provider: 'square', summary: "Square's webhook (x-square-hmacsha256-signature over the notification URL and the raw body)" },
  {
    provider: 'toast',
    summary: "Toast's webhook (Toast-Signature over the raw body and the message timestamp; stale timestamps refused)",
  },
  {
    provider: 'tabit',
    summary: "Tabit's sales feed (X-Tabit-Signature over the raw body; the feed's shape is assumed until Tabit confirms it)",
  },
];

/**
 * POST /api/v1/pos/{square,toast,tabit}/webhook/{connectionId}: no session, the signature is
 * the proof. Its scope reads JSON as raw bytes, since the signature covers the body exactly as
 * sent. Toast's orders can reach 600 KB, hence the body limit.
 */
export default async function webhookRoutes(app: App, options: { pos: PosService }) {
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  for (const w of WEBHOOKS)
    app.withTypeProvider<ZodTypeProvider>().post(
      `/pos/${w.provider}/webhook/:connectionId`,
      {
        // a POS posts from a few addresses for every venue; an unsigned request costs one HMAC
        config: { rateLimit: false },
        bodyLimit: 2 * 1024 * 1024,
        schema: { tags: ['pos'], summary: w.summary, params: z.object({ connectionId: z.uuid() }), response: { 200: webhookAck } },
      },
      (req) => options.pos.webhook(w.provider, req.params.connectionId, req.body as Buffer, req.headers),
    );
}
