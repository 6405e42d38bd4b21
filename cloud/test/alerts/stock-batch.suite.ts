import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig, startAlerts, type RunningAlerts } from '../../src/alerts/index.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { recording, type DbFactory } from '../support/db.js';
import { manualClock, seedBar, type Bar } from './fixtures.js';

/**
 * An ingest run's levels across an organisation's venues are judged together: the conditions
 * of every breaching level locked with one statement, not a transaction a level, and the
 * alerts come at the same reading as they do one level at a time.
 */
export function describeStockBatch(f: DbFactory) {
  describe(`alert engine: many breaching stock levels at once on ${f.name}`, () => {
    let db: Db;
    let bar: Bar;
    let alerts: RunningAlerts;
    const sql: string[] = [];
    const venues: { venueId: string; locationId: string }[] = [];
    const items: string[] = [];
    const clock = manualClock('2026-11-20T18:00:00Z');

    beforeAll(async () => {
      db = await f.open();
      bar = await seedBar(db);
      const v = new VenueRepository(db);
      const other = await v.createVenue(bar.orgId, { name: 'The Crown' });
      const loc = await v.createLocation(bar.orgId, { venueId: other.id, name: 'Back Bar' });
      venues.push({ venueId: bar.venueId, locationId: bar.locationId }, { venueId: other.id, locationId: loc.id });
      items.push(bar.itemId);
      for (const sku of ['GIN', 'RUM', 'VODKA']) {
        const { rows } = await db.query<{ id: string }>(`INSERT INTO items (org_id, sku, name) VALUES ($1, $2, $2) RETURNING id`, [
          bar.orgId,
          sku,
        ]);
        items.push(rows[0]!.id);
      }
      // the engine's statements, inside its transactions too
      const watched = recording(db, sql);
      alerts = await startAlerts({ db: watched, config: defaultAlertsConfig(), logger: pino({ level: 'silent' }), now: clock.now });
    });
    afterAll(async () => {
      await alerts.stop();
      await f.dispose(db);
    });

    const low = () =>
      alerts.feed.stockLevelsAt(
        bar.orgId,
        venues.map((v) => ({
          venueId: v.venueId,
          levels: items.map((itemId) => ({ itemId, locationId: v.locationId, level: 1, reorderPoint: 2 })),
        })),
      );
    const locks = () => sql.filter((s) => /FOR UPDATE/.test(s)).length;
    const raised = async () => (await alerts.engine.list(bar.orgId, { states: ['raised'] })).filter((a) => a.rule === 'low_stock');

    it('builds every breach with one lock and one save a round, and raises all of them at the third reading', async () => {
      for (let round = 1; round <= 2; round++) {
        sql.length = 0;
        clock.advance(60_000);
        await low();
        expect(locks()).toBe(1);
        expect(sql.filter((s) => /INSERT INTO alert_conditions/.test(s))).toHaveLength(1);
        expect(await raised()).toEqual([]);
      }
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_conditions WHERE rule = 'low_stock'`);
      expect(rows[0]!.n).toBe(8);
      clock.advance(60_000);
      await low();
      const up = await raised();
      expect(up).toHaveLength(8);
      expect(new Set(up.map((a) => `${a.venueId} ${a.itemId}`)).size).toBe(8);
      expect(new Set(up.map((a) => a.venueId))).toEqual(new Set(venues.map((v) => v.venueId)));
    });

    it('a level back above its reorder point moves its condition toward clearing in the same batch', async () => {
      sql.length = 0;
      clock.advance(60_000);
      await alerts.feed.stockLevelsAt(bar.orgId, [
        { venueId: bar.venueId, levels: items.map((itemId) => ({ itemId, locationId: bar.locationId, level: 5, reorderPoint: 2 })) },
      ]);
      expect(locks()).toBe(1);
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM alert_conditions WHERE rule = 'low_stock' AND (state->>'clearCount')::int = 1`,
      );
      expect(rows[0]!.n).toBe(4);
    });
  });
}
