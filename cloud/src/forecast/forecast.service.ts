import type { Logger } from '@smartstock/runtime';
import { z } from 'zod';
import type { AlertFeed } from '../alerts/index.js';
import type { Db } from '../db/types.js';
import { notFound } from '../errors.js';
import { itemRecords, type InventoryService } from '../inventory/index.js';
import { repeatEvery, type JobQueue, type Repeating } from '../jobs/index.js';
import type { Demand, DemandSource } from '../orders/index.js';
import { venueRecords } from '../venues/index.js';
import { accuracyMetrics } from './accuracy.js';
import type { CalendarService } from './calendar.service.js';
import { venueDemand } from './demand.js';
import { ForecastRepository, type StoredForecast } from './forecast.repository.js';
import { demandHistory, sourceCounts, toPoints } from './history.js';
import { dateOf, dayNumber, type RegressorDays } from './models/index.js';
import type { ForecastRunner } from './runner.js';
import { daysOfStock } from './stock-days.js';

export const FORECAST_VENUE_JOB = 'forecast_venue';
/** days ahead each fit forecasts */
export const HORIZON_DAYS = 28;
/** history read for a fit: two years and a backtest's worth, so MSTL's yearly season can be fitted */
const HISTORY_DAYS = 2 * 365 + 60;
/** a venue's forecasts are refitted once they are this old */
const REFIT_HOURS = 20;

export interface ForecastServiceDeps {
  db: Db;
  runner: ForecastRunner;
  inventory: InventoryService;
  logger: Logger;
  jobs?: JobQueue | undefined;
  alerts?: AlertFeed | undefined;
  /** weather and events; absent: forecasts without regressors */
  calendar?: CalendarService | undefined;
}

/** A venue's regressors over a fit's history and horizon, with why any source was left out. */
interface VenueRegressors {
  days: RegressorDays;
  reasons: string[];
}

/**
 * Demand forecasts per item and location: history from the ledger and the
 * cameras (history.ts), fitted in the worker thread, kept in `forecasts`,
 * refitted nightly and on demand through the job queue, and the days of
 * stock they leave fed to the forecast_stockout alert.
 */
export class ForecastService implements DemandSource {
  private readonly repo: ForecastRepository;
  private timer: Repeating | undefined;

  constructor(private readonly deps: ForecastServiceDeps) {
    this.repo = new ForecastRepository(deps.db);
  }

  async registerJobs(): Promise<void> {
    await this.deps.jobs?.register(FORECAST_VENUE_JOB, {
      payload: z.object({ venueId: z.uuid() }),
      run: (p, ctx) => this.refitVenue(ctx.orgId, p.venueId),
      retries: 1,
      timeoutSeconds: 1800,
    });
  }

  /** Each hour, queue a refit of every venue whose forecasts are older than REFIT_HOURS: nightly, give or take. */
  startNightly(everyMs = 3_600_000): void {
    const due = async () => {
      for (const venue of await this.repo.venuesDue(REFIT_HOURS)) await this.queueRefit(venue.orgId, venue.venueId);
    };
    this.timer = repeatEvery(everyMs, due, { log: this.deps.logger, failed: 'nightly forecast queueing failed' });
  }

  stop(): void {
    this.timer?.stop();
  }

  /** Queues a refit of the venue's forecasts; the job's id. */
  async queueRefit(orgId: string, venueId: string): Promise<string> {
    if (!(await venueRecords(this.deps.db).getVenue(orgId, venueId))) throw notFound('venue');
    if (!this.deps.jobs) throw new Error('forecast refits need the job queue');
    return this.deps.jobs.enqueue(FORECAST_VENUE_JOB, { venueId }, { orgId });
  }

  /** The stored forecast of an item at a location, fitted now if there is none yet. */
  async forecast(orgId: string, itemId: string, locationId: string): Promise<StoredForecast> {
    const where = await this.repo.locationDay(orgId, locationId);
    if (!where) throw notFound('location');
    if (!(await itemRecords(this.deps.db).get(orgId, itemId))) throw notFound('item');
    return (
      (await this.repo.get(orgId, itemId, locationId)) ??
      this.fit(orgId, itemId, locationId, where.today, await this.regressorsOf(orgId, where.venueId, where.today))
    );
  }

  /**
   * Fits one series on its history through yesterday (today is not over) and keeps it;
   * `regressors` lets a venue's refit fetch the weather and events once for all its items.
   */
  async fit(orgId: string, itemId: string, locationId: string, today: string, regressors?: VenueRegressors): Promise<StoredForecast> {
    const through = dateOf(dayNumber(today) - 1);
    const from = dateOf(dayNumber(today) - HISTORY_DAYS);
    const days = demandHistory(await this.repo.dayFacts(orgId, itemId, locationId, from), from, through);
    const points = toPoints(days);
    const venueId = regressors ? undefined : (await this.repo.locationDay(orgId, locationId))?.venueId;
    const calendar = regressors ?? (venueId ? await this.regressorsOf(orgId, venueId, today) : undefined);
    const f =
      points.length > 0
        ? await this.deps.runner.fit(points, { horizon: HORIZON_DAYS, freq: 'D', ...(calendar ? { regressors: calendar.days } : {}) })
        : {
            model: 'mean' as const,
            points: zeroFrom(today),
            reasons: ['no known demand in the history: forecast zero'],
            backtest: [],
            regressors: [],
          };
    const stored = {
      itemId,
      locationId,
      model: f.model,
      points: f.points,
      reasons: [...f.reasons, ...(calendar?.reasons ?? [])],
      backtest: f.backtest,
      regressors: f.regressors,
      sources: sourceCounts(days),
      through,
    };
    await this.repo.save(orgId, stored);
    return { ...stored, fittedAt: new Date() };
  }

  async refitVenue(orgId: string, venueId: string): Promise<{ fitted: number }> {
    const series = await this.repo.seriesOfVenue(orgId, venueId);
    const today = new Map<string, string>();
    let regressors: VenueRegressors | undefined;
    const jobs: (() => Promise<unknown>)[] = [];
    for (const itemSeries of series) {
      const day = today.get(itemSeries.locationId) ?? (await this.repo.locationDay(orgId, itemSeries.locationId))?.today;
      if (!day) continue;
      today.set(itemSeries.locationId, day);
      regressors ??= await this.regressorsOf(orgId, venueId, day);
      const venueRegressors = regressors;
      jobs.push(() => this.fit(orgId, itemSeries.itemId, itemSeries.locationId, day, venueRegressors));
    }
    // two fits in flight per worker thread: each thread has the next series while one is saved
    await inParallel(jobs, 2 * this.deps.runner.size);
    await this.feedAlerts(orgId, venueId);
    return { fitted: series.length };
  }

  /** The weather and events of a venue over a fit's history and horizon. */
  private async regressorsOf(orgId: string, venueId: string, today: string): Promise<VenueRegressors | undefined> {
    if (!this.deps.calendar) return undefined;
    const from = dateOf(dayNumber(today) - HISTORY_DAYS);
    const to = dateOf(dayNumber(today) + HORIZON_DAYS);
    return this.deps.calendar.regressorDays(orgId, venueId, from, to);
  }

  /** Days of stock left per item and location of the venue, from the stock level now and the forecast mean. */
  async stockDays(orgId: string, venueId: string) {
    const venue = await venueRecords(this.deps.db).getVenue(orgId, venueId);
    if (!venue) throw notFound('venue');
    const forecasts = new Map((await this.repo.listForVenue(orgId, venueId)).map((f) => [`${f.itemId}/${f.locationId}`, f]));
    const out = [];
    for (const loc of await venueRecords(this.deps.db).listLocations(orgId, venueId)) {
      const day = (await this.repo.locationDay(orgId, loc.id))?.today ?? dateOf(Math.floor(Date.now() / 86_400_000));
      for (const l of (await this.deps.inventory.locationStock(orgId, loc.id)).levels) {
        const f = forecasts.get(`${l.itemId}/${loc.id}`);
        const level = Number(l.level);
        out.push({
          itemId: l.itemId,
          locationId: loc.id,
          level,
          // an item-location nobody has counted has no days of stock to speak of (and raises nothing)
          daysLeft: f && l.status !== 'not_counted' ? round(daysOfStock(level, f.points, day)) : null,
          model: f?.model ?? null,
          fittedAt: f?.fittedAt ?? null,
        });
      }
    }
    return { venueId, items: out };
  }

  /** Backtest accuracy of the venue's stored forecasts, per series and pooled, next to the naive baselines. */
  async accuracyMetrics(orgId: string, venueId: string) {
    if (!(await venueRecords(this.deps.db).getVenue(orgId, venueId))) throw notFound('venue');
    const forecasts = await this.repo.listForVenue(orgId, venueId);
    forecasts.sort((a, b) => a.itemId.localeCompare(b.itemId) || a.locationId.localeCompare(b.locationId));
    return accuracyMetrics(venueId, forecasts);
  }

  /** The venue's demand per item from the stored forecasts, for order suggestions; items without one are left out. */
  async demand(orgId: string, venueId: string, itemIds: string[]): Promise<Map<string, Demand>> {
    const forecasts = await this.repo.listForVenue(orgId, venueId);
    const first = forecasts[0];
    if (!first) return new Map();
    // the venue's locations share its timezone, so any one of them gives the venue's today
    const today = (await this.repo.locationDay(orgId, first.locationId))?.today;
    return today ? venueDemand(forecasts, today, itemIds) : new Map();
  }

  private async feedAlerts(orgId: string, venueId: string): Promise<void> {
    if (!this.deps.alerts) return;
    const { items } = await this.stockDays(orgId, venueId);
    for (const i of items) {
      if (!i.model) continue;
      await this.deps.alerts.forecast({
        orgId,
        venueId,
        itemId: i.itemId,
        locationId: i.locationId,
        daysUntilStockout: i.daysLeft,
        at: new Date(),
      });
    }
  }
}

const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

function zeroFrom(today: string) {
  return Array.from({ length: HORIZON_DAYS }, (_, i) => ({
    date: dateOf(dayNumber(today) + i),
    mean: 0,
    lo80: 0,
    hi80: 0,
    lo95: 0,
    hi95: 0,
  }));
}

/** Runs the jobs with at most `limit` at a time; the first failure is thrown once all have settled. */
async function inParallel(jobs: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await job().catch((e: unknown) => errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, lane));
  if (errors.length > 0) throw errors[0];
}
