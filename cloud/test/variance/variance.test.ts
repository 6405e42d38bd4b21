import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig, startAlerts, type RunningAlerts } from '../../src/alerts/index.js';
import { InventoryService } from '../../src/inventory/index.js';
import { VarianceService, type VarianceReport } from '../../src/variance/index.js';
import { pgliteFactory } from '../support/db.js';
import { constructWeek, WEEK, type Week } from './week.js';

describe('variance over a constructed week', () => {
  let db: Db;
  let alerts: RunningAlerts;
  let w: Week;
  let variance: VarianceService;
  let report: VarianceReport;
  const line = (itemId: string) => report.lines.find((l) => l.itemId === itemId)!;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const logger = pino({ level: 'silent' });
    alerts = await startAlerts({ db, config: defaultAlertsConfig(), logger, now: () => WEEK.to });
    w = await constructWeek(db, { alerts: alerts.feed });
    variance = new VarianceService({ db, inventory: new InventoryService(db), alerts: alerts.feed, logger });
    report = await variance.report(w.orgId, w.venueId, WEEK.from, WEEK.to);
  });
  afterAll(async () => {
    await alerts.stop();
    await db.close();
  });

  it('camera item: opening + received − sold − waste − closing = 900 ml unexplained', () => {
    expect(line(w.titos)).toMatchObject({
      status: 'measured',
      locationName: 'Main Bar',
      opening: { source: 'camera', at: new Date('2026-11-01T23:00:00Z'), units: 3 },
      closing: { source: 'camera', at: new Date('2026-11-08T23:30:00Z'), units: 2.2 },
      received: { units: 2, ml: 1500, cost: 40 },
      soldInTheory: { units: 1.5, ml: 1125, cost: 30 },
      waste: { units: 0.1, ml: 75, cost: 2 },
      adjusted: { units: 0 },
      unexplained: { units: 1.2, ml: 900, cost: 24 },
      unexplainedPctOfUsage: 42.9,
    });
  });

  it('counted item: opening and closing counts give 2100 ml unexplained', () => {
    expect(line(w.jameson)).toMatchObject({
      status: 'measured',
      locationName: 'Storage',
      opening: { source: 'count', units: 10 },
      closing: { source: 'count', units: 9 },
      received: { units: 6 },
      soldInTheory: { units: 3.5 },
      waste: { units: 0.5 },
      unexplained: { units: 3, ml: 2100, cost: 75 },
    });
  });

  it('an item never counted says so, with no loss invented', () => {
    expect(line(w.aperol)).toMatchObject({
      status: 'not_counted',
      opening: null,
      closing: null,
      unexplained: null,
      unexplainedPctOfUsage: null,
    });
    expect(report.totals).toEqual({
      unexplainedUnits: 4.2,
      unexplainedCost: 99,
      linesMeasured: 2,
      linesNotMeasured: 1,
      revenue: 0,
      pourCostPct: null,
      actualPourCostPct: null,
    });
  });

  it('a period with no reading after its opening shows no closing, not a zero', async () => {
    const r = await variance.report(w.orgId, w.venueId, new Date('2026-11-08T23:40:00Z'), new Date('2026-11-08T23:50:00Z'));
    expect(r.lines.find((l) => l.itemId === w.titos)).toMatchObject({ status: 'no_closing', unexplained: null });
  });

  it('anomalies: the 04:00 bottle (outside hours, no sale, sudden) and the Sunday drop, each with the readings around it', () => {
    expect(report.openingHours.source).toBe('sales');
    expect(report.anomalies).toHaveLength(2);
    const [night, sunday] = report.anomalies;
    expect(night).toMatchObject({
      itemId: w.titos,
      locationId: w.mainBar,
      kinds: ['outside_hours', 'no_sale', 'sudden_drop'],
      at: new Date('2026-11-07T04:00:00Z'),
      dropUnits: 1,
      dropMl: 750,
      recordedUnits: 0,
      before: {
        observationId: w.readings.get('2026-11-07T03:55:00.000Z'),
        at: new Date('2026-11-07T03:55:00Z'),
        units: 3.4,
        cameraId: 'cam-1',
        slotId: 'slot-1',
      },
      after: { observationId: w.readings.get('2026-11-07T04:00:00.000Z'), units: 2.4 },
      snapshotUrl: null,
    });
    expect(sunday).toMatchObject({ kinds: ['outside_hours', 'no_sale'], dropUnits: 0.2, dropMl: 150 });
    expect(sunday!.before.observationId).toBe(w.readings.get('2026-11-07T04:00:00.000Z'));
  });

  it("links each anomaly to the readings around it and to its camera's kept snapshot nearest it, or says there is none", async () => {
    const [night, sunday] = report.anomalies;
    const history = new URL(night!.observationsUrl, 'http://cloud');
    expect(history.pathname).toBe(`/api/v1/inventory/items/${w.titos}/history`);
    expect(history.searchParams.get('from')).toBe('2026-11-07T02:55:00.000Z');
    expect(history.searchParams.get('to')).toBe('2026-11-07T05:00:00.000Z');
    // no snapshot lister (no object storage): none, and said so
    expect(night).toMatchObject({ snapshot: null, snapshotUrl: null });
    expect(night!.snapshotNote).toMatch(/no snapshot .* kept within 30 minutes/i);

    const shot = (at: string) => ({ url: `/api/v1/blobs/org/${w.orgId}/snapshot/edge/cam-1/${at}.jpg`, takenAt: new Date(at) });
    const asked: string[] = [];
    const logger = pino({ level: 'silent' });
    const withKept = (kept: ReturnType<typeof shot>[]) =>
      new VarianceService({
        db,
        inventory: new InventoryService(db),
        logger,
        snapshots: { keptSnapshots: async (_org, deviceId, cameraId) => (asked.push(`${deviceId}/${cameraId}`), kept) },
      });
    // 04:20 is 20 minutes after the night's 04:00 reading, and between the Sunday drop's readings (Saturday 04:00 and Sunday)
    const kept = [shot('2026-11-07T03:00:00Z'), shot('2026-11-07T04:45:00Z'), shot('2026-11-07T04:20:00Z')];
    const [n2, s2] = (await withKept(kept).report(w.orgId, w.venueId, WEEK.from, WEEK.to)).anomalies;
    expect(n2).toMatchObject({ snapshot: kept[2], snapshotUrl: kept[2]!.url });
    expect(n2!.snapshotNote).toContain('20 min after');
    expect(s2!.snapshot).not.toBeNull();
    expect(s2!.snapshotNote).toContain('between the two readings');
    // one listing per camera, however many anomalies it has
    expect(asked).toEqual([`${night!.after.deviceId}/cam-1`]);
    // 03:00 is 55 minutes before the night's 03:55 reading and an hour before the Sunday drop's first: too far from either
    const [n3, s3] = (await withKept([shot('2026-11-07T03:00:00Z')]).report(w.orgId, w.venueId, WEEK.from, WEEK.to)).anomalies;
    expect([n3!.snapshot, s3!.snapshot]).toEqual([null, null]);
    expect(s3!.snapshotNote).toBe(sunday!.snapshotNote);

    const down = new VarianceService({
      db,
      inventory: new InventoryService(db),
      logger,
      snapshots: { keptSnapshots: () => Promise.reject(new Error('object storage down')) },
    });
    const [n4] = (await down.report(w.orgId, w.venueId, WEEK.from, WEEK.to)).anomalies;
    expect(n4).toMatchObject({ snapshot: null, snapshotUrl: null });
    expect(n4!.snapshotNote).toMatch(/could not be looked up/);
  });

  it('drops a sale or waste explains are not anomalies', () => {
    const times = report.anomalies.map((a) => a.at.toISOString());
    expect(times).not.toContain('2026-11-04T20:05:00.000Z');
    expect(times).not.toContain('2026-11-06T22:35:00.000Z');
  });

  it('the same anomalies whether read from the readings or from the falls the daily scan kept, in part or whole', async () => {
    const again = async () => (await variance.report(w.orgId, w.venueId, WEEK.from, WEEK.to)).anomalies;
    // Saturday to Monday first, then the days before it: the kept span grows at both ends
    expect(await variance.scanDrops(w.orgId, w.venueId, new Date('2026-11-07T00:00:00Z'), WEEK.to)).toBe(2);
    expect(await again()).toEqual(report.anomalies);
    // Wednesday 20:05, Thursday 21:05, Friday 22:05 and 22:35: falls a sale or waste explains are kept too
    expect(await variance.scanDrops(w.orgId, w.venueId, WEEK.from, new Date('2026-11-03T00:00:00Z'))).toBe(4);
    expect(await again()).toEqual(report.anomalies);
    expect(await variance.scanDrops(w.orgId, w.venueId, WEEK.from, WEEK.to)).toBe(0);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM observation_drops WHERE venue_id = $1', [w.venueId]);
    expect(rows[0]!.n).toBe(6);
  });

  it('feeds unexplained_loss: Jameson (3 bottles ≥ 2) raises, Tito’s (1.2) does not', async () => {
    expect(await variance.feedAlerts(w.orgId, w.venueId, report)).toBe(2);
    const raised = await alerts.engine.list(w.orgId, { states: ['raised'] });
    const losses = raised.filter((a) => a.rule === 'unexplained_loss');
    expect(losses.map((a) => [a.itemId, a.locationId])).toEqual([[w.jameson, w.storage]]);
    expect(losses[0]!.message).toMatch(/3 bottles of Jameson.* gone without a sale, waste or transfer/);
  });

  it('KPIs: theoretical cost of sales, waste, dead stock; pour cost unknown without revenue', async () => {
    const k = await variance.kpis(w.orgId, w.venueId, WEEK.from, WEEK.to, 2);
    expect(k.pourCost).toMatchObject({ pct: null, revenue: null, theoreticalCost: 1.5 * 20 + 3.5 * 25 });
    expect(k.pourCost.note).toMatch(/No POS revenue in the period/);
    expect(k.waste).toEqual({ units: 0.6, ml: 75 + 350, cost: 2 + 12.5 });
    const jameson = k.daysOfStock.find((d) => d.itemId === w.jameson)!;
    expect(jameson).toMatchObject({ dailyUsage: 0.5, level: 9, days: 18 });
    // nothing of either depleted in the week's last two days; Aperol has nothing in stock to be dead
    expect(k.deadStock.items.map((i) => i.itemId)).toEqual([w.jameson, w.titos]);
    expect((await variance.kpis(w.orgId, w.venueId, WEEK.from, WEEK.to, 30)).deadStock.items).toEqual([]);
  });

  it('bad input names the field; another organisation’s venue is not found', async () => {
    await expect(variance.report(w.orgId, w.venueId, WEEK.to, WEEK.from)).rejects.toMatchObject({ status: 400, field: 'from' });
    await expect(variance.report(w.orgId, w.venueId, new Date('2024-01-01'), WEEK.to)).rejects.toMatchObject({ status: 400, field: 'to' });
    await expect(variance.report('00000000-0000-4000-8000-000000000000', w.venueId, WEEK.from, WEEK.to)).rejects.toMatchObject({
      status: 404,
    });
  });
});
