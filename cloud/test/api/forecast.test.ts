/** Forecasts in a real cloud on PGlite: fitted from the ledger, days of stock, the refit job and the stock-out alert. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { waitFor } from '../support/device.js';

describe('forecast API', () => {
  let t: TestCloud;
  let item: string;
  let location: string;
  const bartender = { token: '' };

  beforeAll(async () => {
    t = await build({ jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 } });
    item = t.demo.items['TITOS-750']!;
    location = t.demo.locations.mainBar;
    // ten weeks of POS sales through yesterday: 5 a day, 10 on Saturdays
    await t.cloud.db.query(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
       SELECT $1, $2, $3, 'SALE', CASE WHEN extract(isodow FROM d) = 6 THEN -10 ELSE -5 END, d + interval '20 hours'
       FROM generate_series(date_trunc('day', now()) - interval '70 days', date_trunc('day', now()) - interval '1 day', interval '1 day') d`,
      [t.demo.orgId, item, location],
    );
    // 8 on the shelf now: about a day and a half of demand
    const count = await t.api('POST', `/api/v1/inventory/items/${item}/adjust`, {
      token: t.ownerToken,
      body: { locationId: location, type: 'COUNT', quantity: 8 },
    });
    expect(count.status).toBe(201);
    bartender.token = await t.userWithRole('bartender');
  });
  afterAll(() => t?.close());

  it('GET /forecast: 28 days of mean and bounds from the POS history, with the model and its backtest', async () => {
    const r = await t.api('GET', `/api/v1/forecast?item_id=${item}&location_id=${location}`, { token: bartender.token });
    expect(r.status).toBe(200);
    expect(r.body.days).toHaveLength(28);
    expect(r.body.history.pos).toBe(70);
    const total = r.body.days.slice(0, 7).reduce((a: number, d: { mean: number }) => a + d.mean, 0);
    expect(total).toBeGreaterThan(35);
    expect(total).toBeLessThan(45);
    for (const d of r.body.days) {
      expect(d.lo95 <= d.lo80 && d.lo80 <= d.mean && d.mean <= d.hi80 && d.hi80 <= d.hi95).toBe(true);
    }
    expect(r.body.accuracy).toMatchObject({ model: r.body.model });
    expect(r.body.candidates.length).toBeGreaterThan(1);
  });

  it('GET /forecast/stock-days: days of stock left from the level now', async () => {
    const r = await t.api('GET', `/api/v1/forecast/stock-days?venue_id=${t.demo.venueId}`, { token: bartender.token });
    expect(r.status).toBe(200);
    const row = r.body.items.find((i: { itemId: string; locationId: string }) => i.itemId === item && i.locationId === location);
    expect(row.level).toBe(8);
    expect(row.daysLeft).toBeGreaterThan(0.8);
    expect(row.daysLeft).toBeLessThan(2);
  });

  it('POST /forecast/retrain: a job that refits the venue and raises forecast_stockout', async () => {
    expect((await t.api('POST', `/api/v1/forecast/retrain?venue_id=${t.demo.venueId}`, { token: bartender.token })).status).toBe(403);
    const r = await t.api('POST', `/api/v1/forecast/retrain?venue_id=${t.demo.venueId}`, { token: t.ownerToken });
    expect(r.status).toBe(202);
    const job = await waitFor(async () => {
      const s = await t.api('GET', `/api/v1/jobs/${r.body.jobId}`, { token: t.ownerToken });
      return s.body.status === 'done' || s.body.status === 'failed' ? s.body : undefined;
    }, 200);
    expect(job).toMatchObject({ status: 'done' });
    expect(job.result.fitted).toBeGreaterThan(0);
    const alerts = await t.api('GET', '/api/v1/alerts', { token: t.ownerToken });
    expect(alerts.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'forecast_stockout', itemId: item, locationId: location })]),
    );
  });

  it('bad query: 400 naming the field', async () => {
    const r = await t.api('GET', `/api/v1/forecast?item_id=nope&location_id=${location}`, { token: t.ownerToken });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('item_id');
  });
});
