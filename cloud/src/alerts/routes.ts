import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alert, alertWithHistory } from '@smartstock/api';
import { AppError, notFound } from '../errors.js';
import { actor, idParam } from '../plugins/http.js';
import type { AlertEngine } from './engine.js';
import { ALERT_STATES, type AlertState } from './rules.js';
import { notificationRoutes, smsReplyRoutes, type Notifier, type SmsReplyOptions } from './notify/index.js';

export interface AlertRoutesOptions {
  engine: AlertEngine;
  notifier: Notifier;
  /** Set when SMS goes through Twilio and its inbound webhook points here: a reply "OK" acknowledges. */
  smsReplies?: Omit<SmsReplyOptions, 'acknowledge'> | undefined;
}

const STATE = ALERT_STATES.join('|');
const listQuery = z.object({
  venueId: z.uuid().optional(),
  /** comma-separated, e.g. raised,escalated (the open ones) */
  state: z
    .string()
    .regex(new RegExp(`^(${STATE})(,(${STATE}))*$`), 'expected states separated by commas')
    .optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const noteBody = z.object({ note: z.string().max(500).optional() }).prefault({});

/**
 * /api/v1/alerts and /api/v1/notifications. Register inside the core's
 * /api/v1 scope, after its auth and error plugins: it uses app.authorize()
 * and throws the core's AppError.
 */
export async function alertRoutes(app: FastifyInstance, options: AlertRoutesOptions): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];
  const engine = options.engine;

  typedApp.get(
    '/alerts',
    {
      onRequest: app.authorize(),
      schema: { tags, summary: 'Alerts, newest first', querystring: listQuery, response: { 200: z.array(alert) } },
    },
    (req) =>
      engine.list(actor(req).orgId, {
        venueId: req.query.venueId,
        states: req.query.state?.split(',') as AlertState[] | undefined,
        before: req.query.before ? new Date(req.query.before) : undefined,
        limit: req.query.limit,
      }),
  );

  typedApp.get(
    '/alerts/:id',
    {
      onRequest: app.authorize(),
      schema: { tags, summary: 'One alert with its history', params: idParam, response: { 200: alertWithHistory } },
    },
    async (req) => {
      const { orgId } = actor(req);
      const alert = await engine.get(orgId, req.params.id);
      if (!alert) throw notFound('alert');
      return { ...alert, history: await engine.history(orgId, alert.id) };
    },
  );

  // Anyone on shift may say "I've seen it"; resolving by hand is for those who fix things.
  typedApp.post(
    '/alerts/:id/acknowledge',
    {
      onRequest: app.authorize(),
      schema: { tags, summary: 'Acknowledge: stops escalation', params: idParam, body: noteBody, response: { 200: alert } },
    },
    async (req) => {
      const { orgId, userId } = actor(req);
      return (
        (await engine.acknowledge(orgId, req.params.id, userId, req.body.note)) ?? (await refusal(orgId, req.params.id, 'acknowledged'))
      );
    },
  );
  typedApp.post(
    '/alerts/:id/resolve',
    {
      onRequest: app.authorize('owner', 'manager', 'technician'),
      schema: { tags, summary: 'Resolve by hand', params: idParam, body: noteBody, response: { 200: alert } },
    },
    async (req) => {
      const { orgId, userId } = actor(req);
      return (await engine.resolve(orgId, req.params.id, userId, req.body.note)) ?? (await refusal(orgId, req.params.id, 'resolved'));
    },
  );

  /** Why a transition did not happen: no such alert (404), or not from its state (409). */
  async function refusal(orgId: string, id: string, to: string): Promise<never> {
    const alert = await engine.get(orgId, id);
    if (!alert) throw notFound('alert');
    throw new AppError(409, 'conflict', `alert is ${alert.state}; it cannot become ${to}`, 'state');
  }

  await app.register(notificationRoutes, { notifier: options.notifier });
  if (options.smsReplies) await app.register(smsReplyRoutes, { ...options.smsReplies, acknowledge: engine.acknowledge });
}
