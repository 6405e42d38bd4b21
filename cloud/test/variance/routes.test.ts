import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { extractText, getDocumentProxy } from 'unpdf';
import { build, type TestCloud } from '../support/cloud.js';
import { constructWeek, WEEK, type Week } from './week.js';

/** /reports over HTTP: the constructed week in the demo organisation, as JSON, CSV and PDF. */
describe('GET /reports/variance and /reports/kpis', () => {
  let t: TestCloud;
  let w: Week;
  const period = () => `venue_id=${w.venueId}&from=${WEEK.from.toISOString()}&to=${WEEK.to.toISOString()}`;
  const raw = (path: string, token = t.ownerToken) => fetch(`${t.cloud.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  beforeAll(async () => {
    t = await build();
    w = await constructWeek(t.cloud.db, { orgId: t.demo.orgId });
  });
  afterAll(() => t?.close());

  it('answers the variance as JSON, through its schema', async () => {
    const r = await t.api('GET', `/api/v1/reports/variance?${period()}`, { token: t.ownerToken });
    expect(r.status).toBe(200);
    const titos = r.body.lines.find((l: { itemId: string }) => l.itemId === w.titos);
    expect(titos).toMatchObject({ status: 'measured', unexplained: { units: 1.2, ml: 900, cost: 24 } });
    expect(titos.opening.at).toBe('2026-11-01T23:00:00.000Z');
    expect(r.body.anomalies.map((a: { kinds: string[] }) => a.kinds)).toEqual([
      ['outside_hours', 'no_sale', 'sudden_drop'],
      ['outside_hours', 'no_sale'],
    ]);
  });

  it('exports the variance as CSV that parses back to the same figures', async () => {
    const res = await raw(`/api/v1/reports/variance?${period()}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="variance.csv"');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    const titos = rows.find((r) => r.sku === 'WK-TITOS-750')!;
    expect(titos).toMatchObject({
      item: "Tito's",
      status: 'measured',
      unexplained_units: '1.2',
      unexplained_ml: '900',
      unexplained_cost: '24',
    });
    expect(rows.find((r) => r.sku === 'WK-APEROL-700')).toMatchObject({ status: 'not_counted', unexplained_units: '', opening_units: '' });
  });

  it('exports the variance and the KPIs as PDFs whose text holds the figures', async () => {
    const res = await raw(`/api/v1/reports/variance?${period()}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text).toContain('Variance report');
    expect(text).toMatch(/unexplained 1\.2 bottles \/ 900 ml \/ cost 24/);
    expect(text).toContain(w.readings.get('2026-11-07T04:00:00.000Z'));
    const kpi = await raw(`/api/v1/reports/kpis?${period()}&format=pdf`);
    expect(kpi.status).toBe(200);
    const kText = (await extractText(await getDocumentProxy(new Uint8Array(await kpi.arrayBuffer())), { mergePages: true })).text;
    expect(kText).toMatch(/Theoretical cost of sales: \d/);
  });

  it('answers the KPIs as JSON and CSV', async () => {
    const r = await t.api('GET', `/api/v1/reports/kpis?${period()}&dead_days=2`, { token: t.ownerToken });
    expect(r.status).toBe(200);
    expect(r.body.pourCost).toMatchObject({ pct: null, revenue: null });
    expect(r.body.waste).toEqual({ units: 0.6, ml: 425, cost: 14.5 });
    const res = await raw(`/api/v1/reports/kpis?${period()}&format=csv`);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.find((x) => x.kpi === 'pour_cost_pct')).toMatchObject({ value: '' });
    expect(rows.filter((x) => x.kpi === 'waste').map((x) => x.value)).toEqual(['0.6', '425', '14.5']);
  });

  it('bad input is a 400 naming the field', async () => {
    const bad = await t.api(
      'GET',
      `/api/v1/reports/variance?venue_id=${w.venueId}&from=${WEEK.to.toISOString()}&to=${WEEK.from.toISOString()}`,
      {
        token: t.ownerToken,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
    const noVenue = await t.api('GET', '/api/v1/reports/kpis', { token: t.ownerToken });
    expect(noVenue.status).toBe(400);
    expect(JSON.stringify(noVenue.body.error)).toContain('venue_id');
    const format = await t.api('GET', `/api/v1/reports/kpis?${period()}&format=xlsx`, { token: t.ownerToken });
    expect(format.status).toBe(400);
  });

  it('owners and managers read reports; a bartender may not', async () => {
    expect((await t.api('GET', `/api/v1/reports/variance?${period()}`, { token: await t.userWithRole('manager') })).status).toBe(200);
    expect((await t.api('GET', `/api/v1/reports/kpis?${period()}`, { token: await t.userWithRole('bartender') })).status).toBe(403);
  });
});
