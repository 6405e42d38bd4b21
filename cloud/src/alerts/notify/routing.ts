import type { ChannelName } from './channels/channel.js';
import type { NotificationKind } from './outbox.repository.js';
import type { NotificationSettings, PushSubscription } from './settings.repository.js';
import type { Role } from '../../plugins/principal.js';
import { knownTimeZone } from '../../plugins/time-zone.js';

/**
 * Who gets a message on which channel, and whether quiet hours hold it for
 * the morning digest. Pure: settings and the clock in, outbox rows out.
 */
export const ROLE_RULES: Record<Role, readonly string[]> = {
  // In a small bar the owner is the manager: the stock and device rules, not the camera upkeep.
  owner: ['low_stock', 'out_of_stock', 'device_offline'],
  manager: ['low_stock', 'out_of_stock', 'forecast_stockout', 'unexplained_loss', 'device_offline', 'model_drift'],
  bartender: ['out_of_stock'],
  technician: ['device_offline', 'camera_stale', 'outbox_backlog', 'model_drift'],
};

export interface Route {
  userId: string;
  channel: ChannelName;
  recipient: string;
  held: boolean;
  releaseAt: Date | null;
}

export interface RouteInput {
  kind: NotificationKind;
  rule: string;
  now: Date;
  timezone: string;
  recipients: NotificationSettings[];
  /** Push subscriptions per user id. */
  push: Map<string, PushSubscription[]>;
}

export function wants(s: NotificationSettings, kind: NotificationKind, rule: string): boolean {
  if (!s.enabled) return false;
  // Escalation goes to the owners whatever their rule list says: that is its point.
  if (kind === 'escalation') return s.role === 'owner';
  return (s.rules ?? ROLE_RULES[s.role]).includes(rule);
}

export function route(input: RouteInput): Route[] {
  const out: Route[] = [];
  for (const person of input.recipients) {
    if (!wants(person, input.kind, input.rule)) continue;
    const release = quietUntil(person, input.now, input.timezone);
    for (const target of targetsOf(person, input.push)) {
      // The log channel is a record, not a ring: quiet hours do not apply to it.
      const held = release !== null && target.channel !== 'log';
      out.push({ userId: person.userId, ...target, held, releaseAt: held ? release : null });
    }
  }
  return out;
}

/** Every address a person's chosen channels reach: their phone, e-mail, each browser, the log. */
export function targetsOf(
  settings: NotificationSettings,
  push: Map<string, PushSubscription[]>,
): { channel: ChannelName; recipient: string }[] {
  return settings.channels.flatMap((channel) => {
    const to =
      channel === 'sms'
        ? [settings.phoneE164]
        : channel === 'email'
          ? [settings.email]
          : channel === 'push'
            ? (push.get(settings.userId) ?? []).map((subscription) => subscription.endpoint)
            : [settings.displayName ?? settings.userId];
    return to.filter((address): address is string => !!address).map((recipient) => ({ channel, recipient }));
  });
}

/** Minutes after midnight, in the venue's time zone. */
export function localMinutes(now: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: knownTimeZone(timezone),
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** The local calendar date, YYYY-MM-DD, for once-a-day keys. */
export function localDate(now: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: knownTimeZone(timezone) }).format(
    now,
  );
}

/**
 * When `now` falls in the recipient's quiet hours, the instant they end;
 * otherwise null. Quiet hours may wrap midnight (22:00–08:00). Computed as a
 * minute offset from now, so a DST change overnight moves the digest by at
 * most that hour.
 */
export function quietUntil(s: Pick<NotificationSettings, 'quietStart' | 'quietEnd'>, now: Date, timezone: string): Date | null {
  if (s.quietStart === null || s.quietEnd === null || s.quietStart === s.quietEnd) return null;
  const m = localMinutes(now, timezone);
  const inside = s.quietStart < s.quietEnd ? m >= s.quietStart && m < s.quietEnd : m >= s.quietStart || m < s.quietEnd;
  if (!inside) return null;
  const wait = (s.quietEnd - m + 1440) % 1440;
  const release = new Date(now.getTime() + wait * 60_000);
  release.setUTCSeconds(0, 0);
  return release;
}
