import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/index.js';
import { OutboxRepository, type NewNotification } from '../../../src/alerts/notify/outbox.repository.js';
import { NotificationSettingsRepository } from '../../../src/alerts/notify/settings.repository.js';
import { ensureVapidKeys } from '../../../src/alerts/notify/vapid.js';
import type { DbFactory } from '../../support/db.js';
import { seedBar, seedMember, type Bar } from '../fixtures.js';

export function describeOutboxRepository(f: DbFactory) {
  describe(`OutboxRepository and settings on ${f.name}`, () => {
    let db: Db;
    let repo: OutboxRepository;
    let bar: Bar;
    let USER: string;
    const t0 = new Date('2026-11-20T18:00:00Z');
    const msg = (i: number, over: Partial<NewNotification> = {}): NewNotification => ({
      orgId: bar.orgId,
      venueId: bar.venueId,
      userId: USER,
      alertId: null,
      kind: 'alert',
      channel: 'sms',
      recipient: '+447911123456',
      subject: null,
      body: `message ${i}`,
      status: 'pending',
      releaseAt: null,
      dedupeKey: `k${i}`,
      at: new Date(t0.getTime() + i),
      ...over,
    });
    beforeAll(async () => {
      db = await f.open();
      repo = new OutboxRepository(db);
      bar = await seedBar(db);
      USER = await seedMember(db, bar.orgId, 'manager', 'Sam');
    });
    afterAll(() => f.dispose(db));

    it('enqueues once per dedupe key', async () => {
      expect(await repo.enqueue(msg(1))).toBe(true);
      expect(await repo.enqueue(msg(1))).toBe(false);
      expect(await repo.enqueue(msg(2, { dedupeKey: null }))).toBe(true);
      expect(await repo.enqueue(msg(3, { dedupeKey: null }))).toBe(true);
    });

    it('two workers claiming at once never take the same row; a lease that runs out makes it due again', async () => {
      const t = new Date(t0.getTime() + 10);
      const [a, b] = await Promise.all([
        db.transaction((tx) => new OutboxRepository(tx).claim(t, 60_000, 2)),
        db.transaction((tx) => new OutboxRepository(tx).claim(t, 60_000, 2)),
      ]);
      const ids = [...a, ...b].map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(3);
      expect(await repo.claim(t, 60_000, 10)).toEqual([]);
      const again = await repo.claim(new Date(t.getTime() + 60_000), 60_000, 10);
      expect(again.map((n) => n.body).sort()).toEqual(['message 1', 'message 2', 'message 3']);
    });

    it('records sent, failed, deferred and dead, and lists the dead for the dashboard', async () => {
      const [m1, m2, m3] = (await repo.list(bar.orgId)).sort((x, y) => x.body.localeCompare(y.body));
      await repo.markSent(m1!.id, t0, 'twilio', 'SM1');
      await repo.markFailed(m2!.id, 'twilio 503', new Date(t0.getTime() + 10_000));
      await repo.markDead(m3!.id, 'twilio 400 code 21211', true);
      expect(await repo.sentTo('sms', '+447911123456', new Date(t0.getTime() - 1))).toEqual({ count: 1, oldest: t0 });
      const dead = await repo.list(bar.orgId, { statuses: ['dead'] });
      expect(dead.map((d) => [d.body, d.attempts, d.lastError])).toEqual([['message 3', 1, 'twilio 400 code 21211']]);
      expect((await repo.list(bar.orgId, { statuses: ['failed'] }))[0]).toMatchObject({ attempts: 1, lastError: 'twilio 503' });
      expect(await repo.depth()).toEqual({ failed: 1, dead: 1 });
      expect(await repo.retryDead(bar.orgId, m3!.id, t0)).toMatchObject({ status: 'pending', attempts: 0 });
      const other = await seedBar(db, 'Other Org');
      expect(await repo.list(other.orgId)).toEqual([]);
      expect(await repo.retryDead(other.orgId, m3!.id, t0)).toBeUndefined();
    });

    it('releases held rows only when their quiet hours are over', async () => {
      await repo.enqueue(msg(9, { status: 'held', releaseAt: new Date(t0.getTime() + 3_600_000) }));
      expect(await repo.lockReleasable(t0)).toEqual([]);
      expect((await repo.lockReleasable(new Date(t0.getTime() + 3_600_000))).map((n) => n.body)).toEqual(['message 9']);
    });

    it('keeps settings per user and venue, with E.164 checked by the table too', async () => {
      const s = new NotificationSettingsRepository(db);
      const base = {
        orgId: bar.orgId,
        userId: USER,
        venueId: bar.venueId,
        displayName: null,
        phoneE164: '+447911123456',
        email: null,
        channels: ['sms' as const, 'log' as const],
        rules: null,
        quietStart: 1320,
        quietEnd: 480,
        dailySummary: true,
        enabled: true,
      };
      // the role is the membership's; name and e-mail default to the user's sign-in ones
      const saved = await s.upsert(base);
      expect(saved).toEqual({ ...base, role: 'manager', displayName: 'Sam', email: expect.stringMatching(/^sam\..+@example\.com$/) });
      await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [USER]);
      expect(await s.listForVenue(bar.orgId, bar.venueId)).toEqual([]);
      await db.query('UPDATE users SET disabled_at = NULL WHERE id = $1', [USER]);
      const stranger = await seedBar(db, 'Stranger Ltd');
      await expect(s.upsert({ ...base, orgId: stranger.orgId, venueId: stranger.venueId })).rejects.toThrow(/foreign key/i);
      expect(await s.upsert({ ...base, rules: ['camera_stale'] })).toMatchObject({ rules: ['camera_stale'] });
      expect(await s.listForVenue(bar.orgId, bar.venueId)).toHaveLength(1);
      expect(await s.summaryVenues()).toEqual([
        { orgId: bar.orgId, venueId: bar.venueId, venueName: 'The Anchor', timezone: 'Europe/London' },
      ]);
      await expect(s.upsert({ ...base, phoneE164: '07911 123456' })).rejects.toThrow(/check/i);
      await s.addPushSubscription(bar.orgId, USER, { endpoint: 'https://push.example/1', p256dh: 'k', auth: 'a' });
      expect(await s.pushSubscriptions(bar.orgId, USER)).toEqual([{ endpoint: 'https://push.example/1', p256dh: 'k', auth: 'a' }]);
      await s.removePushSubscription(bar.orgId, USER, 'https://push.example/1');
      expect(await s.pushSubscriptions(bar.orgId, USER)).toEqual([]);
    });

    it('generates VAPID keys once and keeps them', async () => {
      const [a, b] = await Promise.all([ensureVapidKeys(db, 'mailto:a@example.com'), ensureVapidKeys(db, 'mailto:a@example.com')]);
      expect(a.publicKey).toBe(b.publicKey);
      expect((await ensureVapidKeys(db, 'mailto:b@example.com')).privateKey).toBe(a.privateKey);
    });
  });
}
