import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { kpiReport, varianceReport } from '@smartstock/api';
import type { Logger } from '@smartstock/runtime';
import type { AlertFeed } from '../alerts/index.js';
import type { Db } from '../db/types.js';
import { stockAt, type InventoryService, type MeasuredStock } from '../inventory/index.js';
import { repeatEvery, type JobQueue, type Repeating } from '../jobs/index.js';
import { venueRecords } from '../venues/index.js';
import { posRevenue } from '../pos/index.js';
import { badRequest, notFound } from '../errors.js';
import { VarianceRepository } from './variance.repository.js';
import {
  amount,
  anomalyOf,
  MIN_DROP_UNITS,
  OPENING_HOURS_LOOKBACK_DAYS,
  pourCostTotals,
  SALE_SLACK_MINUTES,
  SUDDEN_DROP_UNITS,
  SUDDEN_WITHIN_MINUTES,
  varianceLineOf,
  withSnapshot,
  type KeptSnapshot,
  type VarianceAnomaly,
} from './variance.js';

export type VarianceReport = z.output<typeof varianceReport>;
export type KpiReport = z.output<typeof kpiReport>;

const DAY_MS = 86_400_000;
const DROP_RULES = {
  minDrop: MIN_DROP_UNITS,
  slackMinutes: SALE_SLACK_MINUTES,
  suddenUnits: SUDDEN_DROP_UNITS,
  suddenMinutes: SUDDEN_WITHIN_MINUTES,
};
/** The longest period one report covers: a year of a venue's ledger. */
const MAX_DAYS = 366;
export const DAILY_JOB = 'variance_daily';
/** The daily report waits this long after the venue's local midnight, for late observations and POS back-fills. */
const DAILY_AFTER_HOURS = 6;
const dailyPayload = z.object({
  venueId: z.uuid(),
  day: z.string(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});

export interface VarianceDeps {
  db: Db;
  inventory: InventoryService;
  alerts?: AlertFeed | undefined;
  jobs?: JobQueue | undefined;
  /** a camera's kept snapshots (the devices module): an anomaly links the one nearest it */
  snapshots?: { keptSnapshots(orgId: string, deviceId: string, cameraId: string): Promise<KeptSnapshot[]> } | undefined;
  logger: Logger;
}

/**
 * What went missing: the ledger (receipts, theoretical sales, waste, adjustments) set
 * against what the cameras and counts measured, per item and location, and the KPIs a
 * bar owner reads beside it. Reads only; the daily job feeds the unexplained_loss alert.
 */
export class VarianceService {
  private timer: Repeating | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: VarianceDeps) {
    this.log = deps.logger.child({ module: 'variance' });
  }

  async report(orgId: string, venueId: string, from: Date, to: Date): Promise<VarianceReport> {
    const venue = await this.venue(orgId, venueId, from, to);
    const repo = new VarianceRepository(this.deps.db);
    // two chains side by side, each waiting only on what it reads: the opening hours, then the falls
    // judged by them; the lines, then the whole location's stock at either end of them (by the
    // inventory module's own rules)
    const dropsOf = async () => {
      const hours = await repo.saleHours(orgId, venueId, new Date(from.getTime() - OPENING_HOURS_LOOKBACK_DAYS * DAY_MS), to);
      const openHours = hours.size ? hours : null;
      const drops = await this.deps.db.transaction((tx) =>
        new VarianceRepository(tx).drops(orgId, venueId, from, to, { ...DROP_RULES, openHours }),
      );
      return { openHours, drops };
    };
    const linesOf = async () => {
      const rows = await repo.lines(orgId, venueId, from, to);
      const [opening, closing] = await Promise.all([stockAt(this.deps.db, orgId, rows, from), stockAt(this.deps.db, orgId, rows, to)]);
      return { rows, opening, closing };
    };
    const [{ openHours, drops }, { rows, opening, closing }, revenue] = await Promise.all([
      dropsOf(),
      linesOf(),
      posRevenue(this.deps.db).revenueByItem(orgId, venueId, from, to),
    ]);
    const key = (m: { itemId: string; locationId: string }) => `${m.itemId}/${m.locationId}`;
    const byPair = (ms: MeasuredStock[]) => new Map(ms.map((m) => [key(m), m]));
    const [openingByPair, closingByPair] = [byPair(opening), byPair(closing)];
    const cents = new Map(revenue.map((row) => [key(row), row.revenueCents]));
    const lines = rows.map((row) => varianceLineOf(row, openingByPair.get(key(row)), closingByPair.get(key(row)), cents.get(key(row))));
    const sizes = new Map(rows.map((row) => [row.itemId, row.bottleSizeMl]));
    const anomalies = await this.withSnapshots(
      orgId,
      drops.flatMap((drop) => anomalyOf(drop, openHours, sizes.get(drop.itemId) ?? null) ?? []),
    );
    const measured = lines.filter((l) => l.unexplained);
    return {
      venueId,
      from,
      to,
      generatedAt: new Date(),
      openingHours: {
        source: openHours ? 'sales' : 'unknown',
        timezone: venue.timezone,
        explanation: openHours
          ? `The venue has no opening hours on record: an hour of the week (${venue.timezone}) counts as open when the venue sold anything in it during the period or the ${OPENING_HOURS_LOOKBACK_DAYS} days before it.`
          : `The venue has no opening hours on record and no sales in the period or the ${OPENING_HOURS_LOOKBACK_DAYS} days before it to infer them from: no drop is judged by the clock.`,
      },
      totals: {
        unexplainedUnits: Math.round(measured.reduce((s, l) => s + l.unexplained!.units, 0) * 1000) / 1000,
        unexplainedCost: Math.round(measured.reduce((s, l) => s + (l.unexplained!.cost ?? 0), 0) * 100) / 100,
        linesMeasured: measured.length,
        linesNotMeasured: lines.length - measured.length,
        ...pourCostTotals(lines),
      },
      lines,
      anomalies,
    };
  }

  async kpis(orgId: string, venueId: string, from: Date, to: Date, deadDays = 30): Promise<KpiReport> {
    await this.venue(orgId, venueId, from, to);
    const repo = new VarianceRepository(this.deps.db);
    const locations = await venueRecords(this.deps.db).listLocations(orgId, venueId);
    const levels = new Map<string, number>();
    for (const location of locations) {
      for (const stockLevel of (await this.deps.inventory.locationStock(orgId, location.id)).levels)
        levels.set(stockLevel.itemId, (levels.get(stockLevel.itemId) ?? 0) + stockLevel.level);
    }
    const sales = await repo.venueSales(orgId, venueId, from, to);
    const revenueByItem = new Map<string, number>();
    for (const row of await posRevenue(this.deps.db).revenueByItem(orgId, venueId, from, to))
      revenueByItem.set(row.itemId, (revenueByItem.get(row.itemId) ?? 0) + row.revenueCents / 100);
    const costs = await repo.itemCosts(orgId, [...levels.keys()]);
    const days = (to.getTime() - from.getTime()) / DAY_MS;
    const deadSince = to.getTime() - deadDays * DAY_MS;
    let value = 0;
    let withoutCost = 0;
    for (const [itemId, level] of levels) {
      const cost = costs.get(itemId)?.unitCost ?? null;
      if (cost === null) withoutCost += level > 0 ? 1 : 0;
      else value += Math.max(0, level) * cost;
    }
    const theoreticalCost = sales.reduce((s, r) => s + r.sold * (r.unitCost ?? 0), 0);
    // pour cost over what the POS priced: a sale entered by hand has a cost and no revenue
    const pricedCost = sales.reduce((s, r) => s + (revenueByItem.has(r.itemId) ? r.sold * (r.unitCost ?? 0) : 0), 0);
    const revenue = [...revenueByItem.values()].reduce((s, v) => s + v, 0);
    const wasteUnits = sales.reduce((s, r) => s + r.wasted, 0);
    const wasteMl = sales.reduce((s, r) => s + (r.bottleSizeMl === null ? 0 : r.wasted * r.bottleSizeMl), 0);
    const wasteCost = sales.reduce((s, r) => s + amount(r.wasted, null, r.unitCost ?? 0).cost!, 0);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      venueId,
      from,
      to,
      generatedAt: new Date(),
      pourCost: pourCostKpi(theoreticalCost, pricedCost, revenue),
      inventoryValue: { value: r2(value), itemsWithoutCost: withoutCost },
      daysOfStock: sales
        .filter((row) => levels.has(row.itemId))
        .map((row) => {
          const level = levels.get(row.itemId)!;
          const daily = days > 0 ? row.sold / days : 0;
          return {
            itemId: row.itemId,
            sku: row.sku,
            name: row.name,
            level: round3(level),
            dailyUsage: round3(daily),
            days: daily > 0 ? r2(Math.max(0, level) / daily) : null,
          };
        }),
      deadStock: {
        days: deadDays,
        items: sales
          .filter(
            (row) => (levels.get(row.itemId) ?? 0) > 0 && (!row.lastDepletionAt || new Date(row.lastDepletionAt).getTime() < deadSince),
          )
          .map((row) => ({
            itemId: row.itemId,
            sku: row.sku,
            name: row.name,
            level: round3(levels.get(row.itemId)!),
            lastDepletionAt: row.lastDepletionAt ? new Date(row.lastDepletionAt) : null,
          })),
      },
      waste: { units: round3(wasteUnits), ml: Math.round(wasteMl * 10) / 10, cost: r2(wasteCost) },
    };
  }

  /** Each anomaly with its camera's kept snapshot nearest it, each camera's listed once; as they are if storage does not answer. */
  private async withSnapshots(orgId: string, anomalies: VarianceAnomaly[]): Promise<VarianceAnomaly[]> {
    const lister = this.deps.snapshots;
    if (!lister || !anomalies.length) return anomalies;
    const cameras = new Map<string, Promise<KeptSnapshot[] | null>>();
    const keptOf = (a: VarianceAnomaly) => {
      const k = `${a.after.deviceId}/${a.after.cameraId}`;
      if (!cameras.has(k))
        cameras.set(
          k,
          lister.keptSnapshots(orgId, a.after.deviceId, a.after.cameraId).catch((err: unknown) => {
            this.log.warn({ err, deviceId: a.after.deviceId, cameraId: a.after.cameraId }, 'kept snapshots not listed');
            return null;
          }),
        );
      return cameras.get(k)!;
    };
    return Promise.all(
      anomalies.map(async (a) => {
        const kept = await keptOf(a);
        if (kept === null)
          return {
            ...a,
            snapshotNote:
              'The kept snapshots could not be looked up (object storage did not answer): the readings around the drop are the evidence.',
          };
        return withSnapshot(a, kept);
      }),
    );
  }

  /** Feeds each measured line's unexplained units to the unexplained_loss rule (breach at ≥ 2 units by default). */
  async feedAlerts(orgId: string, venueId: string, report: VarianceReport): Promise<number> {
    const losses = report.lines
      .filter((l) => l.unexplained)
      .map((l) => ({ itemId: l.itemId, locationId: l.locationId, unexplainedUnits: l.unexplained!.units }));
    if (losses.length) await this.deps.alerts?.unexplainedLoss(orgId, venueId, losses, report.to);
    return losses.length;
  }

  /**
   * Keeps the venue's falls in its readings up to to (from its last scan, or from from), so
   * reports read them instead of every heartbeat. A reading that arrives after its time was
   * scanned (hours late through an outbox) is not looked at again.
   */
  async scanDrops(orgId: string, venueId: string, from: Date, to: Date): Promise<number> {
    return new VarianceRepository(this.deps.db).storeDrops(orgId, venueId, from, to, DROP_RULES);
  }

  /** The daily report of one venue's local day: its falls kept, the report computed, then fed to the alerts. */
  async runDaily(orgId: string, p: z.output<typeof dailyPayload>) {
    await this.scanDrops(orgId, p.venueId, new Date(p.from), new Date(p.to));
    const report = await this.report(orgId, p.venueId, new Date(p.from), new Date(p.to));
    const fed = await this.feedAlerts(orgId, p.venueId, report);
    return {
      day: p.day,
      lines: report.lines.length,
      fed,
      unexplainedUnits: report.totals.unexplainedUnits,
      anomalies: report.anomalies.length,
    };
  }

  async registerJobs(): Promise<void> {
    await this.deps.jobs?.register(DAILY_JOB, {
      payload: dailyPayload,
      run: (p, ctx) => this.runDaily(ctx.orgId, p),
      retries: 3,
      retryDelaySeconds: 60,
    });
  }

  /** Sends the daily job of every venue whose day is due and unclaimed; each venue-day once, whichever instance claims it. */
  async scheduleDaily(): Promise<number> {
    const jobs = this.deps.jobs;
    if (!jobs) return 0;
    let sent = 0;
    for (const due of await new VarianceRepository(this.deps.db).dueDailyRuns(DAILY_AFTER_HOURS)) {
      await this.deps.db.transaction(async (tx) => {
        const id = randomUUID();
        if (!(await new VarianceRepository(tx).claimRun(due.orgId, due.venueId, due.day, id))) return;
        const payload = { venueId: due.venueId, day: due.day, from: new Date(due.from).toISOString(), to: new Date(due.to).toISOString() };
        await jobs.enqueue(DAILY_JOB, payload, { orgId: due.orgId, tx, id });
        sent++;
      });
    }
    return sent;
  }

  /** Checks for due daily reports now and every intervalMs. */
  start(intervalMs = 15 * 60_000): void {
    this.timer = repeatEvery(intervalMs, () => this.scheduleDaily(), {
      log: this.log,
      failed: 'daily variance not scheduled',
      atOnce: true,
    });
  }

  stop(): void {
    this.timer?.stop();
  }

  private async venue(orgId: string, venueId: string, from: Date, to: Date) {
    if (!(from < to)) throw badRequest('from must be before to', 'from');
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw badRequest(`a report covers at most ${MAX_DAYS} days`, 'to');
    const venue = await venueRecords(this.deps.db).getVenue(orgId, venueId);
    if (!venue) throw notFound('venue');
    return venue;
  }
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Theoretical pour cost of the venue: the cost of the sales its POS priced over their revenue. */
function pourCostKpi(theoreticalCost: number, pricedCost: number, revenue: number): KpiReport['pourCost'] {
  const r2 = (v: number) => Math.round(v * 100) / 100;
  if (revenue <= 0)
    return {
      pct: null,
      theoreticalCost: r2(theoreticalCost),
      pricedCost: 0,
      revenue: null,
      note: 'No POS revenue in the period for sales mapped to recipes (sales entered by hand carry no price): connect the POS or import its sales to see pour cost.',
    };
  const unpriced = r2(theoreticalCost - pricedCost);
  return {
    pct: Math.round((pricedCost / revenue) * 1000) / 10,
    theoreticalCost: r2(theoreticalCost),
    pricedCost: r2(pricedCost),
    revenue: r2(revenue),
    note: unpriced > 0 ? `${unpriced} of theoretical cost was sold without a POS price (entered by hand) and is left out of the %.` : null,
  };
}
