import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  NOTIFICATION_STATUSES as STATUSES,
  notification,
  notificationSettings,
  notificationSettingsBody,
  notificationRecipients,
  notificationTestBody,
  notificationTestResult,
  pushKey,
  pushSubscriptionSaved,
} from '@smartstock/api';
import { AppError, notFound } from '../../errors.js';
import { actor, idParam } from '../../plugins/http.js';
import type { Notifier } from './notifier.js';
import { NotificationInputError } from './preferences.js';

const page = z.object({
  venueId: z.uuid().optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function notificationRoutes(app: FastifyInstance, options: { notifier: Notifier }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const notifier = options.notifier;
  const tags = ['notifications'];
  const paging = (q: z.infer<typeof page>) => ({
    ...(q.venueId ? { venueId: q.venueId } : {}),
    ...(q.before ? { before: new Date(q.before) } : {}),
    limit: q.limit,
  });

  typedApp.get(
    '/notifications/settings',
    {
      onRequest: app.authorize(),
      schema: { tags, summary: 'Your notification settings, per venue', response: { 200: z.array(notificationSettings) } },
    },
    (req) => notifier.settingsFor(actor(req).orgId, actor(req).userId),
  );
  typedApp.put(
    '/notifications/settings/:id',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'Set your notification settings at a venue (id = venue id)',
        params: idParam,
        body: notificationSettingsBody,
        response: { 200: notificationSettings },
      },
    },
    async (req) => {
      const { orgId, userId } = actor(req);
      try {
        return (await notifier.saveSettings(orgId, userId, req.params.id, req.body)) ?? Promise.reject(notFound('venue'));
      } catch (e) {
        if (e instanceof NotificationInputError) throw new AppError(400, 'validation', e.message, e.field);
        throw e;
      }
    },
  );

  typedApp.get(
    '/notifications/push/key',
    { onRequest: app.authorize(), schema: { tags, summary: 'The VAPID public key for PushManager.subscribe', response: { 200: pushKey } } },
    () => ({
      publicKey: notifier.vapidPublicKey,
    }),
  );
  typedApp.post(
    '/notifications/push/subscriptions',
    {
      onRequest: app.authorize(),
      schema: {
        tags,
        summary: 'Register this browser for web push (the PushSubscription JSON)',
        body: z.object({
          endpoint: z.url().startsWith('https://'),
          keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
        }),
        response: { 201: pushSubscriptionSaved },
      },
    },
    async (req, reply) => {
      const { orgId, userId } = actor(req);
      await notifier.addPushSubscription(orgId, userId, { endpoint: req.body.endpoint, ...req.body.keys });
      return reply.code(201).send({ endpoint: req.body.endpoint });
    },
  );

  typedApp.get(
    '/notifications/failed',
    {
      onRequest: app.authorize('owner', 'manager', 'technician'),
      schema: {
        tags,
        summary: 'Messages that could not be delivered after every retry',
        querystring: page,
        response: { 200: z.array(notification) },
      },
    },
    (req) => notifier.failed(actor(req).orgId, paging(req.query)),
  );
  typedApp.get(
    '/notifications',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags,
        summary: 'Every message the cloud sent or will send',
        querystring: page.extend({ status: z.enum(STATUSES).optional() }),
        response: { 200: z.array(notification) },
      },
    },
    (req) => notifier.list(actor(req).orgId, { ...paging(req.query), ...(req.query.status ? { statuses: [req.query.status] } : {}) }),
  );
  typedApp.post(
    '/notifications/:id/retry',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: { tags, summary: 'Send a dead-lettered message again', params: idParam, response: { 200: notification } },
    },
    async (req) => (await notifier.retry(actor(req).orgId, req.params.id)) ?? Promise.reject(notFound('failed notification')),
  );

  typedApp.get(
    '/notifications/recipients',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags,
        summary: 'Who hears about alerts at a venue, on which channels, and whether each channel really sends or only records',
        querystring: z.object({ venueId: z.uuid() }),
        response: { 200: notificationRecipients },
      },
    },
    async (req) => {
      const recipients = await notifier.tests.recipients(actor(req).orgId, req.query.venueId);
      if (!recipients) throw notFound('venue');
      return { delivery: notifier.tests.delivery(), recipients };
    },
  );
  typedApp.post(
    '/notifications/test',
    {
      onRequest: app.authorize('owner', 'manager'),
      schema: {
        tags,
        summary: 'Send one person a test message on one of their channels, through the outbox like an alert',
        body: notificationTestBody,
        response: { 201: notificationTestResult },
      },
    },
    async (req, reply) => {
      const { venueId, userId, channel } = req.body;
      let queued;
      try {
        queued = await notifier.tests.send(actor(req).orgId, venueId, userId, channel);
      } catch (e) {
        if (e instanceof NotificationInputError) throw new AppError(400, 'validation', e.message, e.field);
        throw e;
      }
      if (!queued) throw notFound('venue or person');
      return reply.code(201).send({ queued });
    },
  );
}
