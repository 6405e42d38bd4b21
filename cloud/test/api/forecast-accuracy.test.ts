/**
 * GET /api/v1/forecast/accuracy-metrics on a constructed history whose naive
 * backtests can be worked out by hand (below), in a venue of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

/*
 * 70 days through the venue's yesterday, k days ago: 10 when k % 7 = 1 (yesterday is
 * one), 8 on day k = 35, else 5. As a series y[0..70), y[i] with i = 70 − k: high on
 * i % 7 = 6, the 8 at i = 35. The 28-day horizon is backtested from origins 42, 28
 * and 14 (14 apart): 84 steps.
 *
 * MASE scale, the in-sample weekly-naive error: |8 − 5| at i = 35 and at i = 42 over
 * 63 differences = 2/21.
 * Demand in the three 28-day windows: 160 from origin 42, 163 from 28 and 14 (each
 * holds the 8): 486.
 *
 * Seasonal naive (last week again): from 42 the week it repeats holds the 8, so +3 on
 * i = 42, 49, 56, 63; from 28 and 14 it misses the 8: −3 at i = 35. |e| sums to 18:
 * MAE 18/84 = 3/14, MASE (3/14)/(2/21) = 2.25, WAPE 18/486 = 1/27, bias 6/84 = 1/14.
 * Coverage, each origin's bounds from the other two origins' 56 errors: the 80 % bound
 * is the 46th smallest, 0 each time, so the four +3s and the two −3s fall outside:
 * 78/84 = 13/14. The 95 % bound, the 55th smallest, is 3 each time: all 84 inside.
 *
 * Naive lag-1 (the day before the origin, a 10, every time): +5 on the 24 ordinary
 * days of each window, 0 on its 4 high days, +2 on the 8. |e| sums to 120 + 117 + 117
 * = 354: MAE 354/84 = 59/14, MASE 44.25, WAPE 354/486 = 59/81, bias 59/14 (never under).
 * Its bounds from the other origins are 5 (80 %, 95 %): every step inside.
 */
const seasonalNaive = {
  model: 'seasonal_naive',
  mae: 3 / 14,
  mase: 2.25,
  steps: 84,
  wape: 1 / 27,
  bias: 1 / 14,
  cover80: 13 / 14,
  cover95: 1,
};
const naive = { model: 'naive', mae: 59 / 14, mase: 44.25, steps: 84, wape: 59 / 81, bias: 59 / 14, cover80: 1, cover95: 1 };

function expectScore(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(expected)) {
    if (typeof v === 'number') expect(actual[k], k).toBeCloseTo(v, 9);
    else expect(actual[k], k).toBe(v);
  }
}

describe('forecast accuracy metrics API', () => {
  let t: TestCloud;
  let venueId: string;
  let locationId: string;
  let item: string;

  beforeAll(async () => {
    t = await build();
    item = t.demo.items['JAMESON-750']!;
    const venue = await t.api('POST', '/api/v1/venues', {
      token: t.ownerToken,
      body: { name: 'The Backtest', timezone: 'Pacific/Auckland' },
    });
    expect(venue.status).toBe(201);
    venueId = venue.body.id;
    const loc = await t.api('POST', '/api/v1/inventory/locations', { token: t.ownerToken, body: { venueId, name: 'Bar' } });
    expect(loc.status).toBe(201);
    locationId = loc.body.id;
    // each day at noon on the venue's calendar, k days before its today
    await t.cloud.db.query(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
       SELECT $1, $2, $3, 'SALE', CASE WHEN k % 7 = 1 THEN -10 WHEN k = 35 THEN -8 ELSE -5 END,
              (((now() AT TIME ZONE v.timezone)::date - k) + time '12:00') AT TIME ZONE v.timezone
       FROM venues v, generate_series(1, 70) k WHERE v.id = $4`,
      [t.demo.orgId, item, locationId, venueId],
    );
  });
  afterAll(() => t?.close());

  it('per series and overall: MASE, WAPE, bias and coverage next to seasonal naive and naive lag-1', async () => {
    const before = await t.api('GET', `/api/v1/forecast/accuracy-metrics?venue_id=${venueId}`, { token: t.ownerToken });
    expect(before.status).toBe(200);
    expect(before.body.series).toEqual([]);
    expect(before.body.overall.chosen).toEqual({ series: 0, steps: 0, mase: null, wape: null, bias: null, cover80: null, cover95: null });

    const fit = await t.api('GET', `/api/v1/forecast?item_id=${item}&location_id=${locationId}`, { token: t.ownerToken });
    expect(fit.status).toBe(200);
    expect(fit.body.history.pos).toBe(70);

    const r = await t.api('GET', `/api/v1/forecast/accuracy-metrics?venue_id=${venueId}`, { token: t.ownerToken });
    expect(r.status).toBe(200);
    expect(r.body.venueId).toBe(venueId);
    expect(r.body.series).toHaveLength(1);
    const s = r.body.series[0];
    expect(s).toMatchObject({ itemId: item, locationId, model: fit.body.model, through: fit.body.through });
    expectScore(s.seasonalNaive, seasonalNaive);
    expectScore(s.naive, naive);
    expect(s.chosen).toEqual(fit.body.accuracy);
    // one series: the pooled figures are its own
    expectScore(r.body.overall.seasonalNaive, { ...seasonalNaive, model: undefined, series: 1, mae: undefined });
    expectScore(r.body.overall.naive, { ...naive, model: undefined, series: 1, mae: undefined });
    expect(r.body.overall.chosen).toMatchObject({ series: 1, steps: s.chosen.steps, mase: s.chosen.mase, wape: s.chosen.wape });
  });

  it('any role of the organisation reads it; a missing or malformed venue id is refused', async () => {
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('GET', `/api/v1/forecast/accuracy-metrics?venue_id=${venueId}`, { token: bartender })).status).toBe(200);
    const missing = await t.api('GET', '/api/v1/forecast/accuracy-metrics?venue_id=00000000-0000-4000-8000-000000000000', {
      token: t.ownerToken,
    });
    expect(missing.status).toBe(404);
    const bad = await t.api('GET', '/api/v1/forecast/accuracy-metrics?venue_id=nope', { token: t.ownerToken });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('venue_id');
  });
});
