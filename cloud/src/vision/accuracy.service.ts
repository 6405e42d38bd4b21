import type { z } from 'zod';
import type { driftThresholds, driftThresholdValues, visionAccuracy } from '@smartstock/api';
import type { AlertFeed } from '../alerts/index.js';
import { auditLog } from '../audit/index.js';
import type { Db } from '../db/types.js';
import { badRequest, notFound } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import { accuracyOf, modelVersionLabel } from './accuracy.js';
import { AccuracyRepository, type DayCorrection, type DriftOverride } from './accuracy.repository.js';

export type VisionAccuracy = z.infer<typeof visionAccuracy>;
export type DriftValues = z.infer<typeof driftThresholdValues>;
export type DriftThresholds = z.infer<typeof driftThresholds>;
export type { DriftOverride } from './accuracy.repository.js';

const DAY_MS = 86_400_000;
/** A year of days at most in one answer. */
const MAX_DAYS = 366;

export interface AccuracyRange {
  /** YYYY-MM-DD, the venue's local days, inclusive; default the 30 days up to today */
  from?: string | undefined;
  to?: string | undefined;
  venueId?: string | undefined;
}

/**
 * The vision model watched for drift: per venue and model version, day by day, how the slot
 * counts people corrected compare with what the model said; and the model_drift alert fed from
 * each venue's last window of corrections.
 */
export class AccuracyService {
  constructor(
    private readonly db: Db,
    private readonly options: {
      alerts?: Pick<AlertFeed, 'modelDrift'> | undefined;
      /** the model_drift settings of every venue without its own (config alerts.rules.modelDrift) */
      defaults: DriftValues;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async accuracy(orgId: string, range: AccuracyRange): Promise<VisionAccuracy> {
    const to = range.to ?? this.now().toISOString().slice(0, 10);
    const from = range.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
    if (from > to) throw badRequest(`from (${from}) is after to (${to})`, 'from');
    if ((Date.parse(to) - Date.parse(from)) / DAY_MS >= MAX_DAYS) throw badRequest(`at most ${MAX_DAYS} days at once`, 'from');
    const repo = new AccuracyRepository(this.db);
    if (range.venueId && !(await repo.hasVenue(orgId, range.venueId))) throw notFound('venue');
    const rows = await repo.byDay(orgId, from, to, range.venueId);
    const venues = new Map<string, { venueId: string; venueName: string; timezone: string; rows: DayCorrection[] }>();
    for (const row of rows) {
      const venue = venues.get(row.venueId) ?? { venueId: row.venueId, venueName: row.venueName, timezone: row.timezone, rows: [] };
      venue.rows.push(row);
      venues.set(row.venueId, venue);
    }
    return {
      from,
      to,
      venues: [...venues.values()].map(({ rows: vr, ...v }) => ({ ...v, series: series(vr) })),
    };
  }

  /** The drift settings of each venue of the organisation: the defaults, its override, what the rule uses. */
  async thresholds(orgId: string): Promise<DriftThresholds> {
    const rows = await new AccuracyRepository(this.db).thresholds(orgId);
    return { defaults: this.options.defaults, venues: rows.map((row) => this.venueThresholds(row)) };
  }

  /** Replaces a venue's override (a null value: the default), then judges the venue again by it. */
  async setThresholds(a: Actor, venueId: string, override: DriftOverride): Promise<DriftThresholds['venues'][number]> {
    await this.db.transaction(async (tx) => {
      const repo = new AccuracyRepository(tx);
      if (!(await repo.hasVenue(a.orgId, venueId))) throw notFound('venue');
      await repo.saveThresholds(a.orgId, venueId, override, a.userId);
      await auditLog(tx).record(a.orgId, {
        userId: a.userId,
        action: 'update',
        entity: 'drift_thresholds',
        entityId: venueId,
        detail: { ...override },
      });
    });
    await this.watch(a.orgId, venueId);
    const [row] = await new AccuracyRepository(this.db).thresholds(a.orgId, venueId);
    return this.venueThresholds(row!);
  }

  private venueThresholds(venue: DriftOverride & { venueId: string; venueName: string; updatedAt: Date | null }) {
    const override = {
      windowDays: venue.windowDays,
      countErrorAbove: venue.countErrorAbove,
      minJudged: venue.minJudged,
      correctionsAtLeast: venue.correctionsAtLeast,
    };
    return {
      venueId: venue.venueId,
      venueName: venue.venueName,
      override,
      effective: this.effective(override),
      updatedAt: venue.updatedAt,
    };
  }

  private effective(override: DriftOverride | undefined): DriftValues {
    const defaults = this.options.defaults;
    return {
      windowDays: override?.windowDays ?? defaults.windowDays,
      countErrorAbove: override?.countErrorAbove ?? defaults.countErrorAbove,
      minJudged: override?.minJudged ?? defaults.minJudged,
      correctionsAtLeast: override?.correctionsAtLeast ?? defaults.correctionsAtLeast,
    };
  }

  /** Feeds the model_drift rule the venue's last window of corrections, judged by the venue's own thresholds. */
  async watch(orgId: string, venueId: string): Promise<void> {
    if (!this.options.alerts) return;
    const at = this.now();
    const repo = new AccuracyRepository(this.db);
    const [own] = await repo.thresholds(orgId, venueId);
    if (!own) return; // the venue was deleted meanwhile
    const { windowDays, ...thresholds } = this.effective(own);
    const rows = await repo.since(orgId, venueId, new Date(at.getTime() - windowDays * DAY_MS));
    const f = accuracyOf(rows);
    await this.options.alerts.modelDrift({
      orgId,
      venueId,
      at,
      countError: f.countError,
      judged: f.judged,
      corrections: f.corrections,
      windowDays,
      thresholds,
    });
  }

  /** Every venue with corrections in the last two (longest) windows: those in their last one are judged, those just out of it clear. */
  async sweep(): Promise<number> {
    const repo = new AccuracyRepository(this.db);
    const longest = Math.max(this.options.defaults.windowDays, (await repo.longestWindowDays()) ?? 0);
    const venues = await repo.venuesWithCorrections(new Date(this.now().getTime() - 2 * longest * DAY_MS));
    for (const venue of venues) await this.watch(venue.orgId, venue.venueId);
    return venues.length;
  }
}

/** One series per model version, busiest first; each with its days in order (rows arrive oldest first). */
function series(rows: DayCorrection[]): VisionAccuracy['venues'][number]['series'] {
  const byModel = new Map<string, DayCorrection[]>();
  for (const row of rows) {
    const label = modelVersionLabel(row.modelVersions);
    byModel.set(label, [...(byModel.get(label) ?? []), row]);
  }
  return [...byModel.entries()]
    .map(([modelVersion, mr]) => {
      const days = new Map<string, DayCorrection[]>();
      for (const row of mr) days.set(row.day, [...(days.get(row.day) ?? []), row]);
      return {
        modelVersion,
        versions: mr[0]!.modelVersions,
        total: accuracyOf(mr),
        days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, dr]) => ({ day, ...accuracyOf(dr) })),
      };
    })
    .sort((a, b) => b.total.corrections - a.total.corrections || a.modelVersion.localeCompare(b.modelVersion));
}
