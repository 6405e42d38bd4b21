import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { PermanentDeliveryError } from '../../../src/alerts/notify/channels/channel.js';
import { emailChannel } from '../../../src/alerts/notify/channels/email.js';
import { pushChannel } from '../../../src/alerts/notify/channels/push.js';
import { twilioChannel } from '../../../src/alerts/notify/channels/twilio.js';
import { startPushStandIn, type PushStandIn } from './standins/push.js';
import { startSmtpStandIn, type SmtpStandIn } from './standins/smtp.js';
import { startTwilioStandIn, type TwilioStandIn } from './standins/twilio.js';
import { msg, TEXT } from './message.js';

const SID = `AC${'a1'.repeat(16)}`;
const TOKEN = 'test-token-not-a-secret';
describe('SMS through Twilio (local stand-in, official SDK)', () => {
  let tw: TwilioStandIn;
  beforeAll(async () => {
    tw = await startTwilioStandIn(SID, TOKEN);
  });
  afterAll(() => tw.stop());

  it('sends with the account credentials and returns the message SID', async () => {
    const ch = twilioChannel({ accountSid: SID, authToken: TOKEN, from: '+15125550199', baseUrl: tw.url });
    const d = await ch.send(msg('sms', '+15125550100'));
    expect(d.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(tw.sent.at(-1)).toMatchObject({ to: '+15125550100', from: '+15125550199', body: TEXT });
  });

  it('error 21211 (invalid number) is permanent; 503 and bad credentials are transient', async () => {
    const ch = twilioChannel({ accountSid: SID, authToken: TOKEN, from: '+15125550199', baseUrl: tw.url });
    const bad = await ch.send(msg('sms', '+15550000000')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PermanentDeliveryError);
    expect((bad as Error).message).toMatch(/400 code 21211/);
    tw.failNext(1);
    const outage = await ch.send(msg('sms', '+15125550100')).catch((e: unknown) => e);
    expect(outage).not.toBeInstanceOf(PermanentDeliveryError);
    expect((outage as Error).message).toMatch(/503/);
    const wrong = twilioChannel({ accountSid: SID, authToken: 'wrong', from: '+15125550199', baseUrl: tw.url });
    const denied = await wrong.send(msg('sms', '+15125550100')).catch((e: unknown) => e);
    expect((denied as Error).message).toMatch(/401 code 20003/);
    expect(denied).not.toBeInstanceOf(PermanentDeliveryError);
  });
});

describe('e-mail through SMTP (smtp-server in the test)', () => {
  let smtp: SmtpStandIn;
  beforeAll(async () => {
    smtp = await startSmtpStandIn();
  });
  afterAll(() => smtp.stop());

  it('delivers with a subject made from the first sentence', async () => {
    const ch = emailChannel({ smtpUrl: smtp.url, from: 'SmartStock <alerts@example.com>' });
    await ch.send(msg('email', 'manager@example.com'));
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['manager@example.com']);
    expect(smtp.mails[0]!.raw).toContain("Subject: SmartStock: Main Bar: Tito's 750 ml at 1.4 bottles (reorder at 2).");
    await ch.close?.();
  });

  it('a 550 for the mailbox is permanent', async () => {
    const ch = emailChannel({ smtpUrl: smtp.url, from: 'alerts@example.com' });
    await expect(ch.send(msg('email', 'nobody@example.com'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    await ch.close?.();
  });
});

describe('web push (local push service)', () => {
  let push: PushStandIn;
  const vapid = { subject: 'mailto:ops@example.com', ...webpush.generateVAPIDKeys() };
  beforeAll(async () => {
    push = await startPushStandIn();
  }, 60_000);
  afterAll(() => push.stop());

  it('sends an encrypted, VAPID-signed message; 410 forgets the subscription', async () => {
    const subs = new Map([
      ['/push/a', push.subscription('/push/a')],
      ['/push/b', push.subscription('/push/b')],
    ]);
    const forgotten: string[] = [];
    const ch = pushChannel({
      vapid,
      agent: push.agent,
      subscription: async (_o, _u, endpoint) => [...subs.values()].find((s) => s.endpoint === endpoint),
      forget: async (_o, _u, endpoint) => void forgotten.push(endpoint),
    });
    const d = await ch.send(msg('push', subs.get('/push/a')!.endpoint));
    expect(d.providerMessageId).toContain('/messages/');
    expect(push.received[0]).toMatchObject({ path: '/push/a', encoding: 'aes128gcm', ttl: '3600' });
    expect(push.received[0]!.authorization).toMatch(new RegExp(`^vapid t=.+, k=${vapid.publicKey}$`));
    expect(push.received[0]!.bytes).toBeGreaterThan(TEXT.length);
    push.gone.add('/push/b');
    await expect(ch.send(msg('push', subs.get('/push/b')!.endpoint))).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(forgotten).toEqual([subs.get('/push/b')!.endpoint]);
  });
});
