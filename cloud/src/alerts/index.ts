import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { createNotifier, type NotifierDeps } from './notify/index.js';
import { AlertRepository } from './alert.repository.js';
import type { AlertsConfig } from './config.js';
import { createAlertEngine, type AlertEngineDeps } from './engine.js';
import { createAlertFeed } from './feed.js';
import type { AlertRoutesOptions } from './routes.js';

export { alertsConfigSchema, ALERTS_ENV, defaultAlertsConfig, type AlertsConfig } from './config.js';
export { createAlertEngine, type AlertEngine } from './engine.js';
export { createAlertFeed, type AlertFeed, type LossEvent, type StockLevelEvent } from './feed.js';
export { alertRoutes, alertRoutes as alertsModule, type AlertRoutesOptions } from './routes.js';
export { createNotifier, type AlertNotice, type Notifier } from './notify/index.js';
export type { Alert } from './alert.repository.js';

export interface StartAlertsDeps {
  db: Db;
  config: AlertsConfig;
  logger: Logger;
  now?: () => Date;
  orderSuggestion?: AlertEngineDeps['orderSuggestion'];
  onChange?: AlertEngineDeps['onChange'];
  /** told of each notification delivery's outcome (metrics/) */
  onDelivery?: NotifierDeps['onDelivery'];
}

/**
 * Everything startCloud needs in one call: the notifier (VAPID keys made on
 * first start, outbox worker running), the engine feeding it, the feed the
 * core's events go into, and the timer for duration rules, escalation and the
 * daily summary. Every instance runs it; the database keeps them from
 * stepping on each other.
 */
export async function startAlerts(d: StartAlertsDeps) {
  const log = d.logger.child({ module: 'alerts' });
  const notifier = await createNotifier({
    db: d.db,
    config: d.config,
    logger: d.logger,
    alertSummary: (orgId, venueId, since) => new AlertRepository(d.db).summary(orgId, venueId, since),
    ...(d.now ? { now: d.now } : {}),
    onDelivery: d.onDelivery,
  });
  const engine = createAlertEngine({ ...d, notify: notifier.enqueueAlert, notifyMany: notifier.enqueueAlerts });
  const feed = createAlertFeed(engine, d.db, d.logger, d.now);
  await notifier.start();
  let ticking: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    ticking ??= engine
      .tick()
      .catch((e: unknown) => log.error({ err: e }, 'alert tick failed'))
      .finally(() => (ticking = undefined));
  }, d.config.tickSeconds * 1000);
  timer.unref();
  const twilio = d.config.notify.sms.twilio;
  const smsReplies =
    d.config.notify.sms.provider === 'twilio' && twilio.inboundUrl && twilio.authToken
      ? { db: d.db, authToken: twilio.authToken, publicUrl: twilio.inboundUrl }
      : undefined;
  return {
    engine,
    notifier,
    feed,
    /** What to pass to app.register(alertRoutes, …). */
    routeOptions: { engine, notifier, smsReplies } satisfies AlertRoutesOptions,
    async stop(): Promise<void> {
      clearInterval(timer);
      await feed.stop();
      await ticking;
      await notifier.stop();
    },
  };
}

export type RunningAlerts = Awaited<ReturnType<typeof startAlerts>>;
