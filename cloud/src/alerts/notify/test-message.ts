import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/types.js';
import type { Role } from '../../plugins/principal.js';
import type { ChannelName } from './channels/channel.js';
import { OutboxRepository, type Notification } from './outbox.repository.js';
import { NotificationInputError } from './preferences.js';
import { targetsOf } from './routing.js';
import { NotificationSettingsRepository, type NotificationSettings } from './settings.repository.js';

export interface ChannelDelivery {
  channel: ChannelName;
  provider: string;
  recordedOnly: boolean;
}

export interface Recipient {
  userId: string;
  name: string;
  role: Role;
  configured: boolean;
  channels: { channel: ChannelName; to: string[] }[];
}

const LABEL: Record<ChannelName, string> = { sms: 'text message', email: 'e-mail', push: 'push notification', log: 'the in-app list' };

/**
 * "Does this reach me?": who hears about alerts at a venue and how each channel really
 * delivers here (a demo has no SMS gateway or mail server: those are recorded only), and a
 * test message to one person on one channel, through the same outbox and worker as an alert.
 */
export function testMessages(db: Db, providers: Record<ChannelName, string>, now: () => Date, wakeChannel: string) {
  const everyone = async (settings: NotificationSettingsRepository, orgId: string, venueId: string) => [
    ...(await settings.listForVenue(orgId, venueId)).map((row) => ({ ...row, configured: true })),
    ...(await settings.defaultsForVenue(orgId, venueId)).map((row) => ({ ...row, configured: false })),
  ];
  const targets = async (settings: NotificationSettingsRepository, person: NotificationSettings) =>
    targetsOf(
      person,
      new Map([[person.userId, person.channels.includes('push') ? await settings.pushSubscriptions(person.orgId, person.userId) : []]]),
    );

  return {
    delivery: (): ChannelDelivery[] =>
      (Object.keys(providers) as ChannelName[]).map((channel) => ({
        channel,
        provider: providers[channel],
        recordedOnly: providers[channel] === 'log',
      })),

    /** Undefined: no such venue in this organisation. */
    async recipients(orgId: string, venueId: string): Promise<Recipient[] | undefined> {
      const settings = new NotificationSettingsRepository(db);
      if (!(await settings.venuePlace(orgId, venueId))) return undefined;
      const out: Recipient[] = [];
      for (const person of await everyone(settings, orgId, venueId)) {
        const reached = await targets(settings, person);
        out.push({
          userId: person.userId,
          name: person.displayName ?? person.userId,
          role: person.role,
          configured: person.configured,
          channels: person.channels.map((channel) => ({
            channel,
            to: reached.filter((target) => target.channel === channel).map((target) => target.recipient),
          })),
        });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },

    /** Queues one test message per address the person's channel reaches. Undefined: no such venue or person. */
    async send(orgId: string, venueId: string, userId: string, channel: ChannelName): Promise<Notification[] | undefined> {
      return db.transaction(async (tx) => {
        const settings = new NotificationSettingsRepository(tx);
        if (!(await settings.venuePlace(orgId, venueId))) return undefined;
        const person = (await everyone(settings, orgId, venueId)).find((candidate) => candidate.userId === userId);
        if (!person) return undefined;
        const name = person.displayName ?? 'you';
        if (!person.channels.includes(channel))
          throw new NotificationInputError('channel', `channel: ${name} does not get alerts by ${LABEL[channel]} at this venue`);
        const to = (await targets(settings, person)).filter((target) => target.channel === channel);
        if (!to.length)
          throw new NotificationInputError(
            'channel',
            `channel: ${name} has no ${channel === 'push' ? 'browser registered' : 'address'} for ${LABEL[channel]}`,
          );
        const key = `test:${randomUUID()}`;
        const outbox = new OutboxRepository(tx);
        for (const t of to)
          await outbox.enqueue({
            orgId,
            venueId,
            userId,
            alertId: null,
            kind: 'test',
            channel,
            recipient: t.recipient,
            subject: 'SmartStock test message',
            body: `SmartStock test: this is how alerts reach ${name} by ${LABEL[channel]}. Nothing needs doing.`,
            status: 'pending',
            releaseAt: null,
            dedupeKey: to.length > 1 ? `${key}:${t.recipient}` : key,
            at: now(),
          });
        await tx.notify(wakeChannel, key);
        const rows: Notification[] = [];
        for (const t of to) rows.push(...(await outbox.byDedupeKey(orgId, to.length > 1 ? `${key}:${t.recipient}` : key)));
        return rows;
      });
    },
  };
}

export type TestMessages = ReturnType<typeof testMessages>;
