import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/index.js';
import { startMoto, type Moto } from '../../../../e2e/src/moto.js';
import { startSmtpStandIn, type SmtpStandIn } from './standins/smtp.js';
import { notifyHarness, openNotifyDb } from './harness.js';

/** The channels as config builds them (provider sns, an SMTP URL), end to end from a raised alert. */
describe('notifier with SNS and SMTP from config', () => {
  let moto: Moto;
  let smtp: SmtpStandIn;
  let db: Db;
  const saved = { ...process.env };
  beforeAll(async () => {
    [moto, smtp, db] = await Promise.all([startMoto(), startSmtpStandIn(), openNotifyDb()]);
    // the SDK's default credential chain, as on a server with an instance role
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await Promise.all([moto.stop(), smtp.stop(), db.close()]);
  });

  it('a low-stock alert reaches the phone through SNS and the inbox through SMTP, once each', async () => {
    const now = () => new Date('2026-11-20T18:00:00Z');
    const h = await notifyHarness(
      db,
      {
        notify: {
          sms: { provider: 'sns', sns: { region: 'eu-west-2', endpoint: moto.url } },
          email: { smtpUrl: smtp.url, from: 'SmartStock <alerts@anchor.example>' },
        },
      },
      now,
    );
    try {
      await h.person('manager', { phoneE164: '+447911123456', email: 'sam@anchor.example', channels: ['sms', 'email'] });
      await h.lowStock(await h.item('Aperol'));
      expect(await h.notifier.drain()).toEqual({ sent: 2, retried: 0, deferred: 0, dead: 0 });
      expect(await h.notifier.drain()).toEqual({ sent: 0, retried: 0, deferred: 0, dead: 0 });
      const text = 'Low: Aperol 700 ml at Main Bar, 1 bottle left (reorder at 2).';
      expect((await moto.sms()).map((m) => [m.phone_number, m.message])).toEqual([['+447911123456', text]]);
      expect(smtp.mails.map((m) => m.to)).toEqual([['sam@anchor.example']]);
      // a long Subject is folded onto a second line (RFC 5322): unfold before reading it
      expect(smtp.mails[0]!.raw.replace(/\r?\n[ \t]+/g, ' ')).toContain(`Subject: SmartStock: ${text}`);
      expect((await h.rows()).map((r) => [r.channel, r.status])).toEqual([
        ['email', 'sent'],
        ['sms', 'sent'],
      ]);
    } finally {
      await h.close();
    }
  });
});
