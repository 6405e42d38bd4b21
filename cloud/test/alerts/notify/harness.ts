import { pino, type Logger } from 'pino';
import type { Db } from '../../../src/db/index.js';
import { alertsConfigSchema, type AlertsConfig } from '../../../src/alerts/config.js';
import { createAlertEngine } from '../../../src/alerts/engine.js';
import { createNotifier } from '../../../src/alerts/notify/notifier.js';
import { AlertRepository } from '../../../src/alerts/alert.repository.js';
import { NotificationSettingsRepository, type SettingsInput } from '../../../src/alerts/notify/settings.repository.js';
import { pgliteFactory } from '../../support/db.js';
import { seedBar, seedMember, type Bar } from '../fixtures.js';

/** One PGlite per test file; each test empties the outbox and alert tables (the worker reads across organisations). */
export async function openNotifyDb(): Promise<Db> {
  return pgliteFactory.open();
}

/** A bar with an engine and a notifier wired as startAlerts wires them. */
export async function notifyHarness(db: Db, config: Record<string, unknown>, now: () => Date, logger: Logger = pino({ level: 'silent' })) {
  await db.exec('DELETE FROM notifications; DELETE FROM alert_conditions; DELETE FROM alerts;');
  const bar: Bar = await seedBar(db, `Org ${Math.random().toString(36).slice(2)}`);
  const cfg: AlertsConfig = alertsConfigSchema.parse(config);
  const alertSummary = (orgId: string, venueId: string, since: Date) => new AlertRepository(db).summary(orgId, venueId, since);
  const notifier = await createNotifier({ db, config: cfg, logger, now, alertSummary });
  const engine = createAlertEngine({ db, config: cfg, logger, now, notify: notifier.enqueueAlert });
  const settings = new NotificationSettingsRepository(db);
  /** A member with a role and their notification settings at The Anchor. */
  const person = async (role: 'owner' | 'manager' | 'bartender' | 'technician', s: Partial<SettingsInput>) =>
    settings.upsert({
      orgId: bar.orgId,
      userId: await seedMember(db, bar.orgId, role),
      venueId: bar.venueId,
      displayName: null,
      phoneE164: null,
      email: null,
      channels: ['log'],
      rules: null,
      quietStart: null,
      quietEnd: null,
      dailySummary: false,
      enabled: true,
      ...s,
    });
  /** One more item on the Main Bar shelf, so each alert is a different (rule, item, location). */
  const item = async (name: string) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO items (org_id, sku, name, bottle_size_ml) VALUES ($1, $2, $3, 700) RETURNING id`,
      [bar.orgId, name.toUpperCase(), name],
    );
    return rows[0]!.id;
  };
  /** Drives an item's level below its reorder point for enough readings to raise. */
  const lowStock = async (itemId: string) => {
    for (let i = 0; i < 3; i++)
      await engine.stockLevel({
        orgId: bar.orgId,
        venueId: bar.venueId,
        itemId,
        locationId: bar.locationId,
        level: 1,
        reorderPoint: 2,
        trusted: true,
        at: now(),
      });
  };
  const rows = async () =>
    (
      await db.query<{ channel: string; status: string; kind: string; body: string; attempts: number; recipient: string }>(
        'SELECT channel, status, kind, body, attempts, recipient FROM notifications ORDER BY created_at, channel, body',
      )
    ).rows;
  return {
    db,
    bar,
    engine,
    notifier,
    person,
    item,
    lowStock,
    rows,
    async close() {
      await notifier.stop();
    },
  };
}
