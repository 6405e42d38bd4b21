/** The forecast module lends its stored forecasts to order suggestions (DemandSource), through the real server wiring. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDemand } from '../../src/forecast/demand.js';
import type { StoredForecast } from '../../src/forecast/forecast.repository.js';
import { build, type TestCloud } from '../support/cloud.js';

const stored = (itemId: string, locationId: string, from: number, days: number, mean: number, halfWidth80: number): StoredForecast => ({
  itemId,
  locationId,
  model: 'ets',
  points: Array.from({ length: days }, (_, i) => ({
    date: `2026-03-${String(from + i).padStart(2, '0')}`,
    mean,
    lo80: mean - halfWidth80,
    hi80: mean + halfWidth80,
    lo95: mean - 2 * halfWidth80,
    hi95: mean + 2 * halfWidth80,
  })),
  reasons: [],
  backtest: [],
  regressors: [],
  sources: { pos: 28, camera: 0, count: 0, stockout: 0, none: 0 },
  through: '2026-02-28',
  fittedAt: new Date(),
});

describe('venue demand from stored forecasts', () => {
  it('sums the locations, averages the days from today on, adds variances, and leaves out items with none ahead', () => {
    const d = venueDemand(
      [
        stored('aperol', 'bar', 1, 28, 2, 1.2816), // sd 1 a day
        stored('aperol', 'storage', 1, 28, 1, 2 * 1.2816), // sd 2 a day
        stored('campari', 'bar', 1, 5, 4, 0), // all before today: stale
        stored('gin', 'bar', 1, 28, 9, 0), // not asked for
      ],
      '2026-03-10',
      ['aperol', 'campari', 'vodka'],
    );
    expect([...d.keys()]).toEqual(['aperol']);
    expect(d.get('aperol')!.perDay).toBeCloseTo(3, 9);
    expect(d.get('aperol')!.errorPerDay).toBeCloseTo(Math.sqrt(5), 4);
  });
});

describe('order suggestions from the forecast module', () => {
  let t: TestCloud;
  const api = <T = any>(method: string, path: string, body?: unknown) => t.api<T>(method, `/api/v1${path}`, { token: t.ownerToken, body });
  const item = (sku: string) => t.demo.items[sku]!;

  beforeAll(async () => {
    t = await build();
    const southern = (await api('POST', '/suppliers', { name: "Southern Glazer's", leadTimeDays: 2 })).body.id as string;
    for (const sku of ['APEROL-1000', 'CAMPARI-1000'])
      expect((await api('PUT', `/suppliers/${southern}/items`, { itemId: item(sku), caseSize: 6, casePrice: 60 })).status).toBe(200);
    // ten weeks of POS sales of Aperol at the main bar through yesterday: 3 a day, 21 a week
    await t.cloud.db.query(
      `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at)
       SELECT $1, $2, $3, 'SALE', -3, d + interval '20 hours'
       FROM generate_series(date_trunc('day', now()) - interval '70 days', date_trunc('day', now()) - interval '1 day', interval '1 day') d`,
      [t.demo.orgId, item('APEROL-1000'), t.demo.locations.mainBar],
    );
  }, 60_000);
  afterAll(() => t?.close());

  it('an item with a stored forecast is ordered on its demand, one without still up to par', async () => {
    const lines = async () =>
      (await api('GET', `/orders/suggestions?venue_id=${t.demo.venueId}`)).body.suppliers.flatMap((s: any) => s.lines) as any[];
    const aperol = () => lines().then((ls) => ls.find((l) => l.itemId === item('APEROL-1000')));
    expect((await aperol()).basis).toBe('par');

    // fitting stores the forecast (GET /forecast fits a series that has none yet)
    const fit = await api('GET', `/forecast?item_id=${item('APEROL-1000')}&location_id=${t.demo.locations.mainBar}`);
    expect(fit.status).toBe(200);

    const after = await lines();
    const a = after.find((l) => l.itemId === item('APEROL-1000'));
    expect(a.basis).toBe('forecast');
    const weekly = Number(/^sells ~([\d.]+) a week, /.exec(a.reason)?.[1]);
    expect(weekly).toBeGreaterThan(19);
    expect(weekly).toBeLessThan(23);
    expect(after.find((l) => l.itemId === item('CAMPARI-1000')).basis).toBe('par');
  }, 60_000);
});
