import type { Db } from '../../db/types.js';
import type { AlertSummary } from './notifier.js';
import { OutboxRepository } from './outbox.repository.js';
import { localDate, localMinutes, targetsOf } from './routing.js';
import { NotificationSettingsRepository, type PushSubscription } from './settings.repository.js';

const LABEL: Record<string, string> = {
  low_stock: 'low stock',
  out_of_stock: 'out of stock',
  forecast_stockout: 'running out soon',
  unexplained_loss: 'unexplained loss',
  device_offline: 'device offline',
  camera_stale: 'camera stale',
  outbox_backlog: 'upload backlog',
  model_drift: 'camera counts drifting',
};

export function summaryText(venue: string, s: { open: Record<string, number>; raised: number; resolved: number }): string {
  const total = Object.values(s.open).reduce((a, b) => a + b, 0);
  const parts = Object.entries(s.open).map(([rule, n]) => `${n} ${LABEL[rule] ?? rule}`);
  const open = total === 0 ? 'no open alerts' : `${total} open alert${total === 1 ? '' : 's'} (${parts.join(', ')})`;
  return `${venue} daily: ${open}; ${s.raised} raised and ${s.resolved} resolved in the last 24 h.`;
}

/**
 * Queues each venue's daily summary during its local summary hour. The dedupe
 * key (venue, local date, person, address) makes it once a day however many
 * instances tick, and however often.
 */
export async function scheduleDailySummaries(db: Db, alertSummary: AlertSummary, hour: number, now: Date): Promise<number> {
  const settings = new NotificationSettingsRepository(db);
  let queued = 0;
  const failed: unknown[] = [];
  for (const venue of await settings.summaryVenues()) {
    // one venue's failure must not cost every venue after it its summary
    try {
      queued += await scheduleVenue(db, settings, alertSummary, venue, hour, now);
    } catch (err) {
      failed.push(err);
    }
  }
  if (failed.length)
    throw new AggregateError(failed, `daily summary failed for ${failed.length} venue(s); ${queued} queued for the others`);
  return queued;
}

async function scheduleVenue(
  db: Db,
  settings: NotificationSettingsRepository,
  alertSummary: AlertSummary,
  venue: { orgId: string; venueId: string; venueName: string; timezone: string },
  hour: number,
  now: Date,
): Promise<number> {
  let queued = 0;
  const minutes = localMinutes(now, venue.timezone);
  if (minutes < hour * 60 || minutes >= (hour + 1) * 60) return 0;
  const date = localDate(now, venue.timezone);
  const body = summaryText(venue.venueName, await alertSummary(venue.orgId, venue.venueId, new Date(now.getTime() - 86_400_000)));
  for (const person of await settings.listForVenue(venue.orgId, venue.venueId)) {
    if (!person.dailySummary) continue;
    const push = new Map<string, PushSubscription[]>([
      [person.userId, person.channels.includes('push') ? await settings.pushSubscriptions(venue.orgId, person.userId) : []],
    ]);
    for (const target of targetsOf(person, push)) {
      const added = await new OutboxRepository(db).enqueue({
        orgId: venue.orgId,
        venueId: venue.venueId,
        userId: person.userId,
        alertId: null,
        kind: 'daily_summary',
        channel: target.channel,
        recipient: target.recipient,
        subject: `SmartStock: ${venue.venueName} daily summary`,
        body,
        status: 'pending',
        releaseAt: null,
        dedupeKey: `summary:${venue.venueId}:${date}:${person.userId}:${target.channel}:${target.recipient}`,
        at: now,
      });
      if (added) queued++;
    }
  }
  return queued;
}
