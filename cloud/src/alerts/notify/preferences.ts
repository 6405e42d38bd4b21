import type { Db } from '../../db/types.js';
import type { NotifierConfig } from './config.js';
import type { ChannelName } from './channels/channel.js';
import { OutboxRepository, type Notification, type NotificationStatus } from './outbox.repository.js';
import { InvalidPhoneError, toE164 } from './phone.js';
import { countryOfTimeZone } from '../../plugins/zone-country.js';
import { NotificationSettingsRepository, type NotificationSettings, type PushSubscription } from './settings.repository.js';

/** Bad input from a person, naming the field: the routes answer 400 with it. */
export class NotificationInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationInputError';
  }
}

export interface SettingsInput {
  displayName?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  channels: ChannelName[];
  rules?: string[] | null | undefined;
  /** "HH:MM" local to the venue, or null for none. */
  quietHours?: { start: string; end: string } | null | undefined;
  dailySummary?: boolean | undefined;
  enabled?: boolean | undefined;
}

const minutes = (field: string, hhmm: string): number => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new NotificationInputError(field, `${field}: expected HH:MM (00:00–23:59), got ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** What people do with notifications: their settings, their browsers, the failed-delivery list. */
export function notificationService(db: Db, cfg: NotifierConfig, now: () => Date) {
  const settings = new NotificationSettingsRepository(db);
  const outbox = new OutboxRepository(db);
  return {
    settingsFor: (orgId: string, userId: string) => settings.listForUser(orgId, userId),

    /** Saves one person's settings at one venue (their role comes from their membership). Undefined: no such venue. */
    async saveSettings(orgId: string, userId: string, venueId: string, input: SettingsInput): Promise<NotificationSettings | undefined> {
      const place = await settings.venuePlace(orgId, venueId);
      if (!place) return undefined;
      let phoneE164: string | null = null;
      if (input.phone) {
        // typed as locals type it: "07911 123456" at a London venue is a UK mobile
        const country = place.country ?? countryOfTimeZone(place.timezone) ?? cfg.notify.sms.defaultCountry;
        try {
          phoneE164 = toE164(input.phone, country, { mobile: true });
        } catch (e) {
          if (e instanceof InvalidPhoneError) throw new NotificationInputError('phone', e.message);
          throw e;
        }
      }
      const email = input.email?.trim() || null;
      if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        throw new NotificationInputError('email', `email: ${JSON.stringify(email)} is not an e-mail address`);
      if (input.channels.includes('sms') && !phoneE164) throw new NotificationInputError('phone', 'phone: needed for the sms channel');
      if (input.channels.includes('email') && !email) throw new NotificationInputError('email', 'email: needed for the email channel');
      const quiet = input.quietHours
        ? { start: minutes('quietHours.start', input.quietHours.start), end: minutes('quietHours.end', input.quietHours.end) }
        : null;
      return settings.upsert({
        orgId,
        userId,
        venueId,
        displayName: input.displayName ?? null,
        phoneE164,
        email,
        channels: [...new Set(input.channels)],
        rules: input.rules ?? null,
        quietStart: quiet?.start ?? null,
        quietEnd: quiet?.end ?? null,
        dailySummary: input.dailySummary ?? false,
        enabled: input.enabled ?? true,
      });
    },

    addPushSubscription: (orgId: string, userId: string, s: PushSubscription) => settings.addPushSubscription(orgId, userId, s),

    /** The failed-delivery list: dead-lettered messages, newest first. */
    failed: (orgId: string, f: { venueId?: string; limit?: number; before?: Date } = {}): Promise<Notification[]> =>
      outbox.list(orgId, { ...f, statuses: ['dead'] }),
    list: (orgId: string, f: { statuses?: NotificationStatus[]; venueId?: string; limit?: number; before?: Date } = {}) =>
      outbox.list(orgId, f),
    /** Sends a dead-lettered message again with a fresh set of attempts. */
    retry: (orgId: string, id: string) => outbox.retryDead(orgId, id, now()),
  };
}

export type NotificationService = ReturnType<typeof notificationService>;
