import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { InventoryService } from '../../src/inventory/index.js';
import { VarianceService, type VarianceReport } from '../../src/variance/index.js';
import { pgliteFactory } from '../support/db.js';
import { constructWeek, WEEK, type Week } from './week.js';

/**
 * Pour cost over the constructed week (week.ts), with POS sales whose revenue is known:
 * - 25 Tito's & soda (45 ml each) for 200.00;
 * - 10 spritzes (15 ml Tito's, 70 ml Aperol) for 110.00, shared by cost: Tito's 15 × 20/750 = 0.40,
 *   Aperol 70 × 18/700 = 1.80 a drink, so Tito's 2/11 = 20.00 and Aperol 9/11 = 90.00;
 * - an unmapped line (50.00) and a line after the week (999.00): neither counts.
 * Tito's: revenue 220.00; sold in theory 1.5 bottles × 20 = 30.00 → 13.6 %;
 *   actual usage (1.5 sold + 0.1 waste + 1.2 unexplained) × 20 = 56.00 → 25.5 %.
 * Aperol: revenue 90.00, nothing in the ledger sold → 0 %, never counted → no actual.
 * Jameson: sold by hand, no POS revenue → no pour cost.
 */
describe('pour cost over the constructed week', () => {
  let db: Db;
  let w: Week;
  let variance: VarianceService;
  let report: VarianceReport;
  const line = (itemId: string) => report.lines.find((l) => l.itemId === itemId)!;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    w = await constructWeek(db);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO pos_connections (org_id, venue_id, location_id, provider, name) VALUES ($1, $2, $3, 'csv', 'till') RETURNING id`,
      [w.orgId, w.venueId, w.mainBar],
    );
    const sale = (uid: string, name: string, quantity: number, cents: number, at: string, perUnit: Record<string, number> | null) =>
      db.query(
        `INSERT INTO pos_sale_lines (connection_id, line_uid, org_id, venue_id, order_id, menu_key, menu_name, quantity, revenue_cents,
           sold_at, per_unit) VALUES ($1, $2, $3, $4, $2, $5, $5, $6, $7, $8, $9)`,
        [rows[0]!.id, uid, w.orgId, w.venueId, name, quantity, cents, at, perUnit ? JSON.stringify(perUnit) : null],
      );
    await sale('L1', 'Titos soda', 25, 20_000, '2026-11-04T20:00:00Z', { [w.titos]: 45 });
    await sale('L2', 'Spritz', 10, 11_000, '2026-11-05T21:00:00Z', { [w.titos]: 15, [w.aperol]: 70 });
    await sale('L3', 'Mystery shot', 10, 5_000, '2026-11-05T21:00:00Z', null);
    await sale('L4', 'Titos soda', 100, 99_900, '2026-11-10T20:00:00Z', { [w.titos]: 45 });
    variance = new VarianceService({ db, inventory: new InventoryService(db), logger: pino({ level: 'silent' }) });
    report = await variance.report(w.orgId, w.venueId, WEEK.from, WEEK.to);
  });
  afterAll(async () => {
    await db.close();
  });

  it("Tito's: 30.00 in theory and 56.00 actual over 220.00 of revenue", () => {
    expect(line(w.titos)).toMatchObject({ revenue: 220, pourCostPct: 13.6, actualPourCostPct: 25.5 });
  });

  it("a cocktail's revenue is shared by each item's cost in it; an item never counted has no actual pour cost", () => {
    expect(line(w.aperol)).toMatchObject({ revenue: 90, pourCostPct: 0, actualPourCostPct: null });
  });

  it('an item sold without POS revenue has no pour cost', () => {
    expect(line(w.jameson)).toMatchObject({ revenue: null, pourCostPct: null, actualPourCostPct: null });
  });

  it('totals: theory over every priced line (30 / 310), actual over the measured ones (56 / 220)', () => {
    expect(report.totals).toMatchObject({ revenue: 310, pourCostPct: 9.7, actualPourCostPct: 25.5 });
  });

  it("the KPI's pour cost is the priced sales' cost over their revenue; the hand-entered cost is named, not counted", async () => {
    const k = await variance.kpis(w.orgId, w.venueId, WEEK.from, WEEK.to);
    expect(k.pourCost).toMatchObject({ pct: 9.7, revenue: 310, pricedCost: 30, theoreticalCost: 117.5 });
    expect(k.pourCost.note).toMatch(/^87\.5 of theoretical cost was sold without a POS price/);
  });
});
