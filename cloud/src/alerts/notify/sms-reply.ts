import type { FastifyInstance } from 'fastify';
import { binary, errorBody } from '@smartstock/api';
import twilio from 'twilio';
import type { Db } from '../../db/types.js';
import { OutboxRepository } from './outbox.repository.js';

export interface SmsReplyOptions {
  /** The alerts side: acknowledge as that person; undefined when it is no longer open. */
  acknowledge: (
    orgId: string,
    alertId: string,
    userId: string | null,
    note: string,
  ) => Promise<{ id: string; message: string } | undefined>;
  db: Db;
  /** Twilio signs every webhook with the account's auth token. */
  authToken: string;
  /** The public URL Twilio posts to (the signature covers it), as set on the number's "A message comes in" webhook. */
  publicUrl: string;
}

const ACK_WORDS = new Set(['OK', 'OKAY', 'ACK', 'YES', 'Y']);

const twiml = (text: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)}</Message></Response>`;

/**
 * POST /notifications/inbound/twilio: a reply "OK" to an alert text
 * acknowledges the newest open alert texted to that number in the last day,
 * as the person it was sent to. Only Twilio-signed requests are heard.
 */
export async function smsReplyRoutes(app: FastifyInstance, o: SmsReplyOptions): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const response = { 200: { content: { 'text/xml': { schema: binary } } }, 403: errorBody };
  app.post('/notifications/inbound/twilio', { schema: { hide: true, response }, config: { rateLimit: false } }, async (req, reply) => {
    const params = (req.body ?? {}) as Record<string, string>;
    const signature = String(req.headers['x-twilio-signature'] ?? '');
    if (!twilio.validateRequest(o.authToken, signature, o.publicUrl, params)) {
      return reply.code(403).send({ error: { code: 'forbidden', message: 'not signed by Twilio', requestId: req.id } });
    }
    reply.type('text/xml');
    if (!ACK_WORDS.has((params.Body ?? '').trim().toUpperCase())) return twiml('Reply OK to acknowledge the latest SmartStock alert.');
    const hit = await new OutboxRepository(o.db).latestOpenAlertTextedTo(params.From ?? '');
    const alert = hit && (await o.acknowledge(hit.orgId, hit.alertId, hit.userId, 'acknowledged by SMS reply'));
    if (!alert) return twiml('Nothing open to acknowledge.');
    req.log.info({ alertId: alert.id }, 'alert acknowledged by SMS reply');
    return twiml(`Acknowledged: ${alert.message}`);
  });
}
