import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import twilio from 'twilio';
import errors from '../../src/plugins/errors.js';
import auth from '../../src/plugins/auth.js';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { createAlertEngine } from '../../src/alerts/engine.js';
import { alertRoutes } from '../../src/alerts/routes.js';
import { createNotifier } from '../../src/alerts/notify/notifier.js';
import { AlertRepository } from '../../src/alerts/alert.repository.js';
import { pgliteFactory } from '../support/db.js';
import { seedBar, seedMember, type Bar } from './fixtures.js';

const TWILIO_TOKEN = 'inbound-test-token';
const INBOUND = 'https://smartstock.example/api/v1/notifications/inbound/twilio';

/** The routes as the core mounts them: its error and auth plugins, the zod compilers, under /api/v1. */
describe('alert and notification routes', () => {
  let db: Db;
  let app: FastifyInstance;
  let bar: Bar;
  let engine: ReturnType<typeof createAlertEngine>;
  const token: Record<string, string> = {};
  let alertId: string;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    bar = await seedBar(db);
    const logger = pino({ level: 'silent' });
    const config = defaultAlertsConfig();
    const alertSummary = (orgId: string, venueId: string, since: Date) => new AlertRepository(db).summary(orgId, venueId, since);
    const notifier = await createNotifier({ db, config, logger, alertSummary });
    engine = createAlertEngine({ db, config, logger, notify: notifier.enqueueAlert });
    app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(errors);
    await app.register(auth, { secret: 'x'.repeat(48), accessTokenTtlSeconds: 600 });
    await app.register(
      async (api) => api.register(alertRoutes, { engine, notifier, smsReplies: { db, authToken: TWILIO_TOKEN, publicUrl: INBOUND } }),
      {
        prefix: '/api/v1',
      },
    );
    await app.ready();
    for (const role of ['owner', 'manager', 'bartender'] as const)
      token[role] = app.jwt.sign({ sub: await seedMember(db, bar.orgId, role), org: bar.orgId, role });
    const other = await seedBar(db, 'Rival Ltd');
    token.stranger = app.jwt.sign({ sub: await seedMember(db, other.orgId, 'owner'), org: other.orgId, role: 'owner' });
    for (let i = 0; i < 3; i++)
      await engine.stockLevel({
        orgId: bar.orgId,
        venueId: bar.venueId,
        itemId: bar.itemId,
        locationId: bar.locationId,
        level: 1,
        reorderPoint: 2,
        trusted: true,
        at: new Date(),
      });
    alertId = (await engine.list(bar.orgId))[0]!.id;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const call = async (who: string | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who ? { authorization: `Bearer ${token[who]}` } : {},
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };

  it('lists open alerts and shows one with its history; strangers see nothing', async () => {
    const list = await call('bartender', 'GET', '/alerts?state=raised,escalated');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ id: alertId, rule: 'low_stock', message: "Low: Tito's 750 ml at Main Bar, 1 bottle left (reorder at 2)." }),
    ]);
    expect((await call('manager', 'GET', `/alerts/${alertId}`)).body.history).toEqual([expect.objectContaining({ state: 'raised' })]);
    expect((await call('stranger', 'GET', '/alerts')).body).toEqual([]);
    expect((await call('stranger', 'GET', `/alerts/${alertId}`)).status).toBe(404);
    expect((await call('stranger', 'POST', `/alerts/${alertId}/acknowledge`, {})).status).toBe(404);
    expect((await call(undefined, 'GET', '/alerts')).status).toBe(401);
    expect((await call('manager', 'GET', '/alerts?state=open')).body.error).toMatchObject({
      code: 'validation',
      field: 'querystring.state',
    });
  });

  it('acknowledge then resolve, with roles and state checked', async () => {
    const ack = await call('bartender', 'POST', `/alerts/${alertId}/acknowledge`, { note: 'on it' });
    expect(ack).toMatchObject({ status: 200, body: { state: 'acknowledged' } });
    expect((await call('manager', 'POST', `/alerts/${alertId}/acknowledge`, {})).body.error).toMatchObject({
      code: 'conflict',
      message: 'alert is acknowledged; it cannot become acknowledged',
    });
    expect((await call('bartender', 'POST', `/alerts/${alertId}/resolve`, {})).status).toBe(403);
    expect(await call('manager', 'POST', `/alerts/${alertId}/resolve`, { note: 'delivered' })).toMatchObject({
      status: 200,
      body: { state: 'resolved' },
    });
    expect((await call('manager', 'GET', `/alerts/${alertId}`)).body.history.map((h: { state: string }) => h.state)).toEqual([
      'raised',
      'acknowledged',
      'resolved',
    ]);
  });

  it('notification settings: phone stored as E.164, bad input named, foreign venue 404', async () => {
    const put = await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, {
      phone: '+44 7911 123456',
      channels: ['sms', 'log'],
      quietHours: { start: '23:00', end: '08:30' },
    });
    expect(put.body).not.toHaveProperty('error');
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ phoneE164: '+447911123456', quietStart: 1380, quietEnd: 510, role: 'manager' });
    expect((await call('manager', 'GET', '/notifications/settings')).body).toHaveLength(1);
    expect(
      (await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, { phone: '+1 555 01', channels: ['sms'] })).body.error,
    ).toMatchObject({ code: 'validation', field: 'phone' });
    expect(
      (await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, { channels: ['email'], email: 'nope' })).body.error,
    ).toMatchObject({ field: 'email' });
    expect(
      (
        await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, {
          channels: ['log'],
          quietHours: { start: '25:00', end: '08:00' },
        })
      ).body.error,
    ).toMatchObject({ field: 'quietHours.start' });
    expect((await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, { channels: ['fax'] })).status).toBe(400);
    expect((await call('stranger', 'PUT', `/notifications/settings/${bar.venueId}`, { channels: ['log'] })).status).toBe(404);
  });

  it('web push key and subscription; failed-delivery list with retry', async () => {
    expect((await call('bartender', 'GET', '/notifications/push/key')).body.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    expect(
      (
        await call('bartender', 'POST', '/notifications/push/subscriptions', {
          endpoint: 'https://push.example/abc',
          keys: { p256dh: 'k', auth: 'a' },
        })
      ).status,
    ).toBe(201);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO notifications (org_id, venue_id, channel, recipient, body, status, attempts, last_error) VALUES ($1, $2, 'sms', '+447911123456', 'x', 'dead', 6, 'twilio 503') RETURNING id`,
      [bar.orgId, bar.venueId],
    );
    expect((await call('manager', 'GET', '/notifications/failed')).body).toEqual([
      expect.objectContaining({ id: rows[0]!.id, status: 'dead', lastError: 'twilio 503' }),
    ]);
    expect((await call('bartender', 'GET', '/notifications/failed')).status).toBe(403);
    expect((await call('stranger', 'POST', `/notifications/${rows[0]!.id}/retry`)).status).toBe(404);
    expect((await call('manager', 'POST', `/notifications/${rows[0]!.id}/retry`)).body).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await call('manager', 'POST', `/notifications/${rows[0]!.id}/retry`)).status).toBe(404);
    expect((await call('manager', 'GET', '/notifications/failed')).body).toEqual([]);
  });

  it('an SMS reply "OK" signed by Twilio acknowledges the alert texted to that number', async () => {
    const { rows: item } = await db.query<{ id: string }>(
      `INSERT INTO items (org_id, sku, name) VALUES ($1, 'CAMPARI', 'Campari') RETURNING id`,
      [bar.orgId],
    );
    for (let i = 0; i < 3; i++)
      await engine.stockLevel({
        orgId: bar.orgId,
        venueId: bar.venueId,
        itemId: item[0]!.id,
        locationId: bar.locationId,
        level: 0.5,
        reorderPoint: 2,
        trusted: true,
        at: new Date(),
      });
    const alert = (await engine.list(bar.orgId, { states: ['raised'] })).find((a) => a.itemId === item[0]!.id)!;
    await db.query(
      `INSERT INTO notifications (org_id, venue_id, alert_id, channel, recipient, body, status, sent_at) VALUES ($1, $2, $3, 'sms', '+447911123456', $4, 'sent', now())`,
      [bar.orgId, bar.venueId, alert.id, alert.message],
    );
    const reply = (params: Record<string, string>, token = TWILIO_TOKEN) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/notifications/inbound/twilio',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(token, INBOUND, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
    const sms = {
      From: '+447911123456',
      To: '+15125550199',
      Body: ' ok ',
      MessageSid: `SM${'0'.repeat(32)}`,
      AccountSid: `AC${'1'.repeat(32)}`,
    };
    expect((await reply(sms, 'forged')).statusCode).toBe(403);
    expect((await engine.get(bar.orgId, alert.id))!.state).toBe('raised');
    const res = await reply(sms);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acknowledged: Low: Campari at Main Bar, 0.5 bottles left (reorder at 2).</Message></Response>`,
    );
    expect((await engine.get(bar.orgId, alert.id))!.state).toBe('acknowledged');
    expect((await reply(sms)).body).toContain('Nothing open to acknowledge.');
    expect((await reply({ ...sms, Body: 'what?' })).body).toContain('Reply OK to acknowledge');
  });
});
