import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import errors from '../../../src/plugins/errors.js';
import auth from '../../../src/plugins/auth.js';
import type { Db } from '../../../src/db/index.js';
import { defaultAlertsConfig } from '../../../src/alerts/config.js';
import { createNotifier, type Notifier } from '../../../src/alerts/notify/notifier.js';
import { notificationRoutes } from '../../../src/alerts/notify/routes.js';
import type { Channel, OutgoingMessage } from '../../../src/alerts/notify/channels/channel.js';
import { pgliteFactory } from '../../support/db.js';
import { seedBar, seedMember, type Bar } from '../fixtures.js';

/** "Send a test message": who hears what at a venue, and one message through the outbox, the worker and the channel. */
describe('notification test messages', () => {
  let db: Db;
  let app: FastifyInstance;
  let bar: Bar;
  let notifier: Notifier;
  const texted: OutgoingMessage[] = [];
  const ids: Record<string, string> = {};
  const token: Record<string, string> = {};

  beforeAll(async () => {
    db = await pgliteFactory.open();
    bar = await seedBar(db);
    const logger = pino({ level: 'silent' });
    // an SMS gateway that records what it was given; e-mail stays the default (recorded only)
    const sms: Channel = {
      name: 'sms',
      provider: 'twilio',
      async send(m) {
        texted.push(m);
        return { provider: 'twilio', providerMessageId: `SM${texted.length}` };
      },
    };
    notifier = await createNotifier({
      db,
      config: defaultAlertsConfig(),
      logger,
      alertSummary: async () => ({ open: {}, raised: 0, resolved: 0 }),
      channels: { sms },
    });
    app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(errors);
    await app.register(auth, { secret: 'x'.repeat(48), accessTokenTtlSeconds: 600 });
    await app.register(async (api) => api.register(notificationRoutes, { notifier }), { prefix: '/api/v1' });
    await app.ready();
    for (const role of ['owner', 'manager', 'bartender'] as const) {
      ids[role] = await seedMember(db, bar.orgId, role);
      token[role] = app.jwt.sign({ sub: ids[role], org: bar.orgId, role });
    }
    const other = await seedBar(db, 'Rival Ltd');
    ids.stranger = await seedMember(db, other.orgId, 'owner');
    token.stranger = app.jwt.sign({ sub: ids.stranger, org: other.orgId, role: 'owner' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const call = async (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token[who]}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };

  it('lists who hears about alerts at the venue, and which channels only record', async () => {
    expect(
      (await call('manager', 'PUT', `/notifications/settings/${bar.venueId}`, { phone: '+1 512 555 0100', channels: ['sms', 'log'] }))
        .status,
    ).toBe(200);
    const r = await call('owner', 'GET', `/notifications/recipients?venueId=${bar.venueId}`);
    expect(r.status).toBe(200);
    expect(r.body.delivery).toEqual([
      { channel: 'sms', provider: 'twilio', recordedOnly: false },
      { channel: 'email', provider: 'log', recordedOnly: true },
      { channel: 'push', provider: 'web-push', recordedOnly: false },
      { channel: 'log', provider: 'log', recordedOnly: true },
    ]);
    const manager = r.body.recipients.find((p: { userId: string }) => p.userId === ids.manager);
    expect(manager).toMatchObject({
      role: 'manager',
      configured: true,
      channels: [
        { channel: 'sms', to: ['+15125550100'] },
        { channel: 'log', to: [expect.any(String)] },
      ],
    });
    // someone who set nothing hears through the in-app list
    expect(r.body.recipients.find((p: { userId: string }) => p.userId === ids.bartender)).toMatchObject({
      configured: false,
      channels: [{ channel: 'log', to: [expect.any(String)] }],
    });
    expect((await call('bartender', 'GET', `/notifications/recipients?venueId=${bar.venueId}`)).status).toBe(403);
    expect((await call('stranger', 'GET', `/notifications/recipients?venueId=${bar.venueId}`)).status).toBe(404);
  });

  it('sends a test message through the outbox and the channel, and says what it cannot do', async () => {
    const r = await call('owner', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.manager, channel: 'sms' });
    expect(r.status).toBe(201);
    expect(r.body.queued).toEqual([
      expect.objectContaining({ kind: 'test', channel: 'sms', recipient: '+15125550100', status: 'pending' }),
    ]);
    await notifier.drain();
    expect(texted).toEqual([
      expect.objectContaining({ kind: 'test', recipient: '+15125550100', body: expect.stringMatching(/^SmartStock test: /) }),
    ]);
    const sent = await call('manager', 'GET', `/notifications?venueId=${bar.venueId}`);
    expect(sent.body[0]).toMatchObject({ id: r.body.queued[0].id, kind: 'test', status: 'sent', provider: 'twilio' });

    // the in-app list: recorded, by the log provider
    const logged = await call('manager', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.bartender, channel: 'log' });
    expect(logged.status).toBe(201);
    await notifier.drain();
    expect((await call('manager', 'GET', `/notifications?venueId=${bar.venueId}`)).body[0]).toMatchObject({
      id: logged.body.queued[0].id,
      status: 'sent',
      provider: 'log',
    });

    const notChosen = await call('owner', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.manager, channel: 'email' });
    expect(notChosen.status).toBe(400);
    expect(notChosen.body.error).toMatchObject({
      code: 'validation',
      field: 'channel',
      message: expect.stringMatching(/does not get alerts by e-mail/),
    });
    expect(
      (await call('bartender', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.bartender, channel: 'log' })).status,
    ).toBe(403);
    // another organisation's venue or person is not found
    expect(
      (await call('stranger', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.manager, channel: 'sms' })).status,
    ).toBe(404);
    expect(
      (await call('owner', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.stranger, channel: 'log' })).status,
    ).toBe(404);
    expect((await call('owner', 'POST', '/notifications/test', { venueId: bar.venueId, userId: ids.manager, channel: 'fax' })).status).toBe(
      400,
    );
  });
});
