import type { Logger } from '@smartstock/runtime';
import type { Db, Queryable } from '../../db/types.js';
import type { NotifierConfig } from './config.js';
import type { Channel, ChannelName } from './channels/channel.js';
import { emailChannel } from './channels/email.js';
import { logChannel } from './channels/log.js';
import { pushChannel } from './channels/push.js';
import { snsChannel } from './channels/sns.js';
import { twilioChannel } from './channels/twilio.js';
import { deliverDue, type DeliveryDeps, type DeliveryStats } from './delivery.js';
import { releaseHeld } from './digest.js';
import { OutboxRepository, type NewNotification } from './outbox.repository.js';
import { channelBreakers } from './resilience.js';
import { route } from './routing.js';
import { notificationService } from './preferences.js';
import { NotificationSettingsRepository } from './settings.repository.js';
import { scheduleDailySummaries } from './summary.js';
import { ensureVapidKeys, type VapidKeys } from './vapid.js';
import { testMessages } from './test-message.js';

/** What the notifier is handed, inside the transaction that changed the alert. */
export interface AlertNotice {
  kind: 'alert' | 'escalation';
  alert: { id: string; orgId: string; venueId: string; rule: string };
  text: string;
}

export type AlertSummary = (
  orgId: string,
  venueId: string,
  since: Date,
) => Promise<{ open: Record<string, number>; raised: number; resolved: number }>;

export interface NotifierDeps {
  db: Db;
  config: NotifierConfig;
  /** The alerts side of the daily summary: open alerts by rule, raised and resolved since `since`. */
  alertSummary: AlertSummary;
  logger: Logger;
  now?: () => Date;
  /** told of each delivery's outcome (metrics/) */
  onDelivery?: DeliveryDeps['onOutcome'];
  /** Replaces the channels built from config (tests, or a channel the core provides). */
  channels?: Partial<Record<ChannelName, Channel>>;
}

/** Wakes idle workers on every instance when a transaction queues a message. */
const WAKE_CHANNEL = 'smartstock_notify';

export type Notifier = Awaited<ReturnType<typeof createNotifier>>;

/**
 * The notification side: routes alert notices into the outbox (inside the
 * alert's transaction), and runs the worker that empties it through the
 * channels. Async because it loads (or makes) the VAPID keys first.
 */
export async function createNotifier(deps: NotifierDeps) {
  const now = deps.now ?? (() => new Date());
  const cfg = deps.config.notify;
  const log = deps.logger.child({ module: 'notify' });
  const vapid = await ensureVapidKeys(deps.db, cfg.push.subject);
  const channels = { ...buildChannels(deps, vapid), ...deps.channels };
  const breakers = channelBreakers(cfg.breaker);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DeliveryStats> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  /** Queues an alert's messages; returns how many, for the alert's own log line (which says the rest). */
  const enqueueAlert = async (tx: Queryable, n: AlertNotice): Promise<number> => (await enqueueAlerts(tx, [n]))[0]!;

  /**
   * Queues several alerts' messages with a few statements an organisation in all (who hears, their
   * push subscriptions, the venues' time zones, the rows), not a few an alert; how many each queued.
   */
  async function enqueueAlerts(tx: Queryable, notices: readonly AlertNotice[]): Promise<number[]> {
    const settings = new NotificationSettingsRepository(tx);
    const at = now();
    const rows: NewNotification[] = [];
    const counts = new Map<AlertNotice, number>();
    for (const orgId of new Set(notices.map((n) => n.alert.orgId))) {
      const ofOrg = notices.filter((n) => n.alert.orgId === orgId);
      const venueIds = [...new Set(ofOrg.map((n) => n.alert.venueId))];
      const recipients = await settings.recipientsForVenues(orgId, venueIds);
      const pushUsers = [...new Set(recipients.filter((r) => r.channels.includes('push')).map((r) => r.userId))];
      const push = await settings.pushSubscriptionsOf(orgId, pushUsers);
      const timezones = await settings.venueTimezones(orgId, venueIds);
      for (const n of ofOrg) {
        const routes = route({
          kind: n.kind,
          rule: n.alert.rule,
          now: at,
          timezone: timezones.get(n.alert.venueId) ?? 'UTC',
          recipients: recipients.filter((r) => r.venueId === n.alert.venueId),
          push,
        });
        counts.set(n, routes.length);
        // the alert's own line says `notifications: 0`; this is its detail
        if (routes.length === 0)
          log.debug({ alertId: n.alert.id, rule: n.alert.rule }, 'alert has no recipients; it shows in the dashboard only');
        for (const routed of routes)
          rows.push({
            orgId: n.alert.orgId,
            venueId: n.alert.venueId,
            userId: routed.userId,
            alertId: n.alert.id,
            kind: n.kind,
            channel: routed.channel,
            recipient: routed.recipient,
            subject: null,
            body: n.text,
            status: routed.held ? 'held' : 'pending',
            releaseAt: routed.releaseAt,
            dedupeKey: `${n.kind}:${n.alert.id}:${routed.userId}:${routed.channel}:${routed.recipient}`,
            at,
          });
      }
    }
    if (rows.length) {
      await new OutboxRepository(tx).enqueueMany(rows);
      await tx.notify(WAKE_CHANNEL, rows[0]!.alertId!);
    }
    return notices.map((n) => counts.get(n) ?? 0);
  }

  /** One pass: release finished quiet hours, then send what is due. Never runs twice at once in a process. */
  function drain(): Promise<DeliveryStats> {
    running ??= (async () => {
      try {
        await releaseHeld(deps.db, now());
        return await deliverDue({ db: deps.db, channels, breakers, config: cfg, logger: deps.logger, now, onOutcome: deps.onDelivery });
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  async function tick(): Promise<void> {
    const queued = await scheduleDailySummaries(deps.db, deps.alertSummary, deps.config.dailySummaryHour, now());
    if (queued > 0) log.info({ queued }, 'daily summaries queued');
  }

  return {
    ...notificationService(deps.db, deps.config, now),
    tests: testMessages(
      deps.db,
      { sms: channels.sms.provider, email: channels.email.provider, push: channels.push.provider, log: channels.log.provider },
      now,
      WAKE_CHANNEL,
    ),
    enqueueAlert,
    enqueueAlerts,
    drain,
    /** Scheduled messages (daily summary); call it every minute or so, from every instance. */
    tick,
    vapidPublicKey: vapid.publicKey,
    /** The one e-mail sender, for mail that is not an alert (a purchase order to its supplier, with attachments). */
    email: channels.email,
    depth: () => new OutboxRepository(deps.db).depth(),
    /** Starts the worker loop: a timer, plus an immediate pass whenever any instance queues a message. */
    async start(): Promise<void> {
      // The summary schedule needs minute resolution, not the worker's seconds.
      let lastTick = 0;
      const pass = () =>
        drain()
          .then(() => (Date.now() - lastTick >= 60_000 ? ((lastTick = Date.now()), tick()) : undefined))
          .catch((e: unknown) => log.error({ err: e }, 'notification pass failed'));
      timer = setInterval(pass, cfg.workerIntervalMs);
      timer.unref();
      unlisten = await deps.db.listen(WAKE_CHANNEL, () => void pass());
      log.info({ sms: channels.sms.provider, email: channels.email.provider }, 'notifier started');
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await unlisten?.();
      await running?.catch(() => undefined);
      for (const c of Object.values(channels)) await c.close?.();
    },
  };
}

function buildChannels(deps: NotifierDeps, vapid: VapidKeys): Record<ChannelName, Channel> {
  const { sms, email } = deps.config.notify;
  const settings = new NotificationSettingsRepository(deps.db);
  const smsChannel =
    sms.provider === 'sns'
      ? snsChannel(sms.sns)
      : sms.provider === 'twilio'
        ? twilioChannel({ ...sms.twilio, accountSid: sms.twilio.accountSid!, authToken: sms.twilio.authToken! })
        : logChannel(deps.logger, 'sms');
  return {
    sms: smsChannel,
    email: email.smtpUrl ? emailChannel({ smtpUrl: email.smtpUrl, from: email.from }) : logChannel(deps.logger, 'email'),
    push: pushChannel({
      vapid,
      subscription: (o, u, e) => settings.pushSubscription(o, u, e),
      forget: (o, u, e) => settings.removePushSubscription(o, u, e),
    }),
    log: logChannel(deps.logger),
  };
}
