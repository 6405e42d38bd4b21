import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { AlertRepository } from '../../src/alerts/alert.repository.js';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { createAlertEngine } from '../../src/alerts/engine.js';
import { createNotifier } from '../../src/alerts/notify/notifier.js';
import { NotificationSettingsRepository } from '../../src/alerts/notify/settings.repository.js';
import type { StockReading } from '../../src/alerts/rules.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { recording, type DbFactory } from '../support/db.js';
import { manualClock, seedBar, seedMember, type Bar } from './fixtures.js';

const LEVELS = 2000;
const CROSSING = 400;
/** as the after-commit queue hands them to the engine */
const CHUNK = 500;

/**
 * A fleet's levels are judged as a set (issue #30): a chunk costs a bounded number of statements
 * however many of its levels raise or resolve an alert, where one at a time a raise took ~12 and a
 * resolve ~8; and an item-location is texted once a chunk, not once a level.
 */
export function describeStockSet(f: DbFactory) {
  describe(`alert engine: 2,000 levels judged as a set on ${f.name}`, () => {
    let db: Db;
    let bar: Bar;
    let engine: ReturnType<typeof createAlertEngine>;
    const sql: string[] = [];
    const pairs: { itemId: string; locationId: string }[] = [];
    const clock = manualClock('2026-11-20T18:00:00Z');

    beforeAll(async () => {
      db = await f.open();
      bar = await seedBar(db);
      const rooftop = await new VenueRepository(db).createLocation(bar.orgId, { venueId: bar.venueId, name: 'Rooftop' });
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO items (org_id, sku, name, bottle_size_ml) SELECT $1, 'SKU-' || g, 'Gin ' || g, 700 FROM generate_series(1, $2::int) g RETURNING id`,
        [bar.orgId, LEVELS / 2],
      );
      for (const { id } of rows) pairs.push({ itemId: id, locationId: bar.locationId }, { itemId: id, locationId: rooftop.id });
      await new NotificationSettingsRepository(db).upsert({
        orgId: bar.orgId,
        userId: await seedMember(db, bar.orgId, 'manager', 'Sam'),
        venueId: bar.venueId,
        displayName: null,
        phoneE164: '+447700900123',
        email: null,
        channels: ['sms'],
        rules: null,
        quietStart: null,
        quietEnd: null,
        dailySummary: false,
        enabled: true,
      });
      // wired as startAlerts wires them; the notifier's worker is not started (its statements are not the engine's)
      const watched = recording(db, sql);
      const config = defaultAlertsConfig();
      const logger = pino({ level: 'silent' });
      const notifier = await createNotifier({
        db: watched,
        config,
        logger,
        now: clock.now,
        alertSummary: (orgId, venueId, since) => new AlertRepository(db).summary(orgId, venueId, since),
      });
      engine = createAlertEngine({
        db: watched,
        config,
        logger,
        now: clock.now,
        notify: notifier.enqueueAlert,
        notifyMany: notifier.enqueueAlerts,
      });
    });
    afterAll(() => f.dispose(db));

    const reading = (pair: { itemId: string; locationId: string }, level: number): StockReading => ({
      orgId: bar.orgId,
      venueId: bar.venueId,
      ...pair,
      level,
      reorderPoint: 2,
      trusted: true,
      at: clock.now(),
    });
    /** every level, the first CROSSING of them at `low`, in the after-commit queue's chunks; the statements it took */
    const round = async (low: number) => {
      clock.advance(60_000);
      sql.length = 0;
      const levels = pairs.map((pair, n) => reading(pair, n < CROSSING ? low : 5));
      for (let at = 0; at < levels.length; at += CHUNK) await engine.stockLevels(bar.orgId, levels.slice(at, at + CHUNK));
      return sql.length;
    };
    const texts = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE org_id = $1 AND channel = 'sms'`, [bar.orgId]))
        .rows[0]!.n;
    const open = async () => (await engine.list(bar.orgId, { states: ['raised'], limit: 10_000 })).filter((a) => a.rule === 'low_stock');

    it('raises 400 low-stock alerts, each texted once, with a bounded number of statements a chunk of 500', async () => {
      expect(await round(1)).toBeLessThanOrEqual(12 * (LEVELS / CHUNK));
      expect(await round(1)).toBeLessThanOrEqual(12 * (LEVELS / CHUNK));
      const statements = await round(1);
      // one at a time this was ~4,800 (~12 a raise)
      expect(statements).toBeLessThanOrEqual(12 * (LEVELS / CHUNK));
      const raised = await open();
      expect(raised).toHaveLength(CROSSING);
      expect(new Set(raised.map((a) => `${a.itemId} ${a.locationId}`)).size).toBe(CROSSING);
      expect(raised.find((a) => a.itemId === pairs[0]!.itemId && a.locationId === bar.locationId)!.message).toBe(
        'Low: Gin 1 700 ml at Main Bar, 1 bottle left (reorder at 2).',
      );
      expect(await texts()).toBe(CROSSING);
      const history = await engine.history(bar.orgId, raised[0]!.id);
      expect(history.map((e) => e.state)).toEqual(['raised']);
    });

    it('resolves them all once back above the reorder point, with as few statements', async () => {
      expect(await round(5)).toBeLessThanOrEqual(12 * (LEVELS / CHUNK));
      expect(await round(5)).toBeLessThanOrEqual(12 * (LEVELS / CHUNK));
      expect(await open()).toEqual([]);
      const resolved = (await engine.list(bar.orgId, { states: ['resolved'], limit: 10_000 })).filter((a) => a.rule === 'low_stock');
      expect(resolved).toHaveLength(CROSSING);
      expect((await engine.history(bar.orgId, resolved[0]!.id)).map((e) => [e.state, e.note])).toEqual([
        ['raised', null],
        ['resolved', 'condition cleared'],
      ]);
      expect(await texts()).toBe(CROSSING);
    });

    it('an item-location read low, then empty, in one chunk is texted once: that it is out', async () => {
      const pair = pairs[LEVELS - 1]!;
      clock.advance(60_000);
      const levels = [1, 1, 1, 0, 0].map((level) => reading(pair, level));
      const before = await texts();
      const changed = await engine.stockLevels(bar.orgId, levels);
      expect(changed.map((a) => [a.rule, a.state])).toEqual([['out_of_stock', 'raised']]);
      expect(await texts()).toBe(before + 1);
      const { rows } = await db.query<{ body: string }>(
        `SELECT body FROM notifications WHERE org_id = $1 ORDER BY created_at DESC, id LIMIT 1`,
        [bar.orgId],
      );
      expect(rows[0]!.body).toBe('Out of Gin 1000 700 ml at Rooftop.');
    });
  });
}
