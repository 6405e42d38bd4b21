import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTwilioStandIn, type TwilioStandIn } from './standins/twilio.js';
import { notifyHarness, openNotifyDb } from './harness.js';
import type { Db } from '../../../src/db/index.js';

const SID = `AC${'b2'.repeat(16)}`;
const TOKEN = 'stand-in-token';
const PHONE = '+447911123456';

/**
 * cockatiel's breaker reads Date.now(), so these tests move the system clock
 * (Date only; timers and sockets stay real) and hand the same clock to the code.
 */
describe('notifier: outbox through the Twilio stand-in', () => {
  let tw: TwilioStandIn;
  let db: Db;
  let h: Awaited<ReturnType<typeof notifyHarness>>;
  const now = () => new Date();
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);
  const sms = (over: Record<string, unknown> = {}) => ({
    notify: {
      sms: { provider: 'twilio', twilio: { accountSid: SID, authToken: TOKEN, from: '+15125550199', baseUrl: tw.url }, ...over },
      retry: { maxAttempts: 3, initialDelaySeconds: 10, maxDelaySeconds: 60 },
      breaker: { consecutiveFailures: 3, halfOpenAfterSeconds: 60 },
    },
  });
  beforeAll(async () => {
    tw = await startTwilioStandIn(SID, TOKEN);
    db = await openNotifyDb();
  });
  afterAll(async () => {
    await tw.stop();
    await db.close();
  });
  afterEach(async () => {
    await h.close();
    vi.useRealTimers();
    tw.sent.length = 0;
    tw.failNext(0);
  });
  const start = async (config: Record<string, unknown>, at = '2026-11-20T18:00:00Z') => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(at));
    h = await notifyHarness(db, config, now);
  };

  it('a channel failing 3 times opens its breaker; messages wait, then go once each when it recovers', async () => {
    await start(sms());
    await h.person('manager', { phoneE164: PHONE, channels: ['sms', 'log'] });
    const items = await Promise.all(['Aperol', 'Campari', 'Cointreau', 'Fernet', 'Lillet'].map(h.item));
    for (const id of items) await h.lowStock(id);
    tw.failNext(3);
    const first = await h.notifier.drain();
    expect(first).toEqual({ sent: 5, retried: 3, deferred: 2, dead: 0 }); // 5 log rows sent, 3 SMS failed, 2 held by the open breaker
    expect(tw.requests).toBeGreaterThanOrEqual(3);
    const before = tw.requests;
    // while open, nothing reaches the gateway
    advance(20_000);
    expect(await h.notifier.drain()).toEqual({ sent: 0, retried: 0, deferred: 3, dead: 0 });
    expect(tw.requests).toBe(before);
    advance(61_000);
    expect(await h.notifier.drain()).toMatchObject({ sent: 5, retried: 0, dead: 0 });
    expect(await h.notifier.drain()).toEqual({ sent: 0, retried: 0, deferred: 0, dead: 0 });
    expect(tw.sent.map((m) => m.body.split(' ')[1]).sort()).toEqual(['Aperol', 'Campari', 'Cointreau', 'Fernet', 'Lillet']);
    expect(tw.sent.every((m) => m.to === PHONE)).toBe(true);
    expect((await h.rows()).every((r) => r.status === 'sent')).toBe(true);
  });

  it('dead-letters after the retries are spent, and at once for a number the carrier rejects', async () => {
    await start(sms({ perNumberPerHour: 100 }));
    await h.person('manager', { phoneE164: PHONE, channels: ['sms'] });
    await h.person('owner', { phoneE164: '+15550000000', channels: ['sms'], rules: ['low_stock'] });
    await h.lowStock(await h.item('Chartreuse'));
    expect(await h.notifier.drain()).toMatchObject({ sent: 1, dead: 1 });
    const dead = await h.notifier.failed(h.bar.orgId);
    expect(dead.map((d) => [d.recipient, d.status, d.lastError?.match(/code 21211/)?.[0]])).toEqual([
      ['+15550000000', 'dead', 'code 21211'],
    ]);

    await h.lowStock(await h.item('Suze'));
    tw.failNext(99, 500);
    // the breaker spaces the attempts out; each row still gets exactly maxAttempts before it is dead
    for (let i = 0; i < 10; i++) {
      await h.notifier.drain();
      advance(70_000);
    }
    const rows = (await h.rows()).filter((r) => r.body.includes('Suze'));
    expect(rows.map((r) => [r.recipient, r.status, r.attempts])).toEqual(
      expect.arrayContaining([
        [PHONE, 'dead', 3],
        ['+15550000000', 'dead', 3],
      ]),
    );
    // a person can send a dead-lettered message again once the gateway is back
    tw.failNext(0);
    const again = (await h.notifier.failed(h.bar.orgId)).find((d) => d.recipient === PHONE)!;
    expect(await h.notifier.retry(h.bar.orgId, again.id)).toMatchObject({ status: 'pending', attempts: 0 });
    advance(61_000);
    expect(await h.notifier.drain()).toMatchObject({ sent: 1 });
  });

  it('rate-limits SMS per phone number; the rest wait their turn', async () => {
    await start(sms({ perNumberPerHour: 2 }));
    await h.person('manager', { phoneE164: PHONE, channels: ['sms'] });
    for (const n of ['Amaro', 'Bitters', 'Cachaça']) await h.lowStock(await h.item(n));
    expect(await h.notifier.drain()).toEqual({ sent: 2, retried: 0, deferred: 1, dead: 0 });
    advance(30 * 60_000);
    expect(await h.notifier.drain()).toMatchObject({ sent: 0 });
    advance(31 * 60_000);
    expect(await h.notifier.drain()).toMatchObject({ sent: 1 });
    expect(tw.sent).toHaveLength(3);
  });

  it('quiet hours hold texts for one morning digest; the log channel records at once', async () => {
    // 23:00 in London; quiet 22:00–08:00
    await start(sms(), '2026-11-20T23:00:00Z');
    await h.person('manager', { phoneE164: PHONE, channels: ['sms', 'log'], quietStart: 22 * 60, quietEnd: 8 * 60 });
    for (const n of ['Galliano', 'Kahlua']) await h.lowStock(await h.item(n));
    expect(await h.notifier.drain()).toMatchObject({ sent: 2 });
    expect(tw.sent).toHaveLength(0);
    expect((await h.rows()).filter((r) => r.channel === 'sms').map((r) => r.status)).toEqual(['held', 'held']);
    vi.setSystemTime(new Date('2026-11-21T08:00:30Z'));
    expect(await h.notifier.drain()).toMatchObject({ sent: 1 });
    expect(tw.sent).toHaveLength(1);
    expect(tw.sent[0]!.body).toMatch(
      /^While you were off \(2\): Low: Galliano 700 ml at Main Bar, 1 bottle left \(reorder at 2\)\. Low: Kahlua/,
    );
  });

  it('escalates an unacknowledged alert to the owner, and sends the daily summary once', async () => {
    await start(sms(), '2026-11-20T08:00:00Z');
    await h.person('manager', { phoneE164: PHONE, channels: ['sms'] });
    await h.person('owner', { phoneE164: '+447911123999', channels: ['sms'], rules: ['out_of_stock'], dailySummary: true });
    await h.lowStock(await h.item('Mezcal'));
    advance(31 * 60_000);
    await h.engine.tick();
    await h.notifier.drain();
    expect(tw.sent.map((m) => [m.to, m.body.slice(0, 30)])).toEqual([
      [PHONE, 'Low: Mezcal 700 ml at Main Bar'],
      ['+447911123999', 'Unacknowledged for 30 min: Low'],
    ]);
    vi.setSystemTime(new Date('2026-11-20T09:05:00Z'));
    await h.notifier.tick();
    await h.notifier.tick();
    await h.notifier.drain();
    expect(tw.sent.slice(2).map((m) => m.body)).toEqual([
      'The Anchor daily: 1 open alert (1 low stock); 1 raised and 0 resolved in the last 24 h.',
    ]);
  });

  it('members who set nothing hear through the log channel only, by their role', async () => {
    await start(sms());
    const { seedMember } = await import('../fixtures.js');
    await seedMember(h.db, h.bar.orgId, 'manager', 'Quiet Manager');
    await seedMember(h.db, h.bar.orgId, 'technician', 'Tech');
    await h.lowStock(await h.item('Pisco'));
    expect(await h.notifier.drain()).toEqual({ sent: 1, retried: 0, deferred: 0, dead: 0 });
    expect((await h.rows()).map((r) => [r.channel, r.recipient, r.status])).toEqual([['log', 'Quiet Manager', 'sent']]);
    expect(tw.sent).toEqual([]);
  });
});
