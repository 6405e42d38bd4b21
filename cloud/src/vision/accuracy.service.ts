import type { z } from 'zod';
import type { visionAccuracy } from '@smartstock/api';
import type { AlertFeed } from '../alerts/index.js';
import type { Db } from '../db/types.js';
import { badRequest, notFound } from '../errors.js';
import { accuracyOf, modelVersionLabel } from './accuracy.js';
import { AccuracyRepository, type DayCorrection } from './accuracy.repository.js';

export type VisionAccuracy = z.infer<typeof visionAccuracy>;

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
    private readonly o: { alerts?: Pick<AlertFeed, 'modelDrift'> | undefined; windowDays: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
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
    for (const r of rows) {
      const v = venues.get(r.venueId) ?? { venueId: r.venueId, venueName: r.venueName, timezone: r.timezone, rows: [] };
      v.rows.push(r);
      venues.set(r.venueId, v);
    }
    return {
      from,
      to,
      venues: [...venues.values()].map(({ rows: vr, ...v }) => ({ ...v, series: series(vr) })),
    };
  }

  /** Feeds the model_drift rule the venue's last window of corrections. */
  async watch(orgId: string, venueId: string): Promise<void> {
    if (!this.o.alerts) return;
    const at = this.now();
    const rows = await new AccuracyRepository(this.db).since(orgId, venueId, new Date(at.getTime() - this.o.windowDays * DAY_MS));
    const f = accuracyOf(rows);
    await this.o.alerts.modelDrift({
      orgId,
      venueId,
      at,
      countError: f.countError,
      judged: f.judged,
      corrections: f.corrections,
      windowDays: this.o.windowDays,
    });
  }

  /** Every venue with corrections in the last two windows: those in the last one are judged, those just out of it clear. */
  async sweep(): Promise<number> {
    const since = new Date(this.now().getTime() - 2 * this.o.windowDays * DAY_MS);
    const venues = await new AccuracyRepository(this.db).venuesWithCorrections(since);
    for (const v of venues) await this.watch(v.orgId, v.venueId);
    return venues.length;
  }
}

/** One series per model version, busiest first; each with its days in order (rows arrive oldest first). */
function series(rows: DayCorrection[]): VisionAccuracy['venues'][number]['series'] {
  const byModel = new Map<string, DayCorrection[]>();
  for (const r of rows) {
    const label = modelVersionLabel(r.modelVersions);
    byModel.set(label, [...(byModel.get(label) ?? []), r]);
  }
  return [...byModel.entries()]
    .map(([modelVersion, mr]) => {
      const days = new Map<string, DayCorrection[]>();
      for (const r of mr) days.set(r.day, [...(days.get(r.day) ?? []), r]);
      return {
        modelVersion,
        versions: mr[0]!.modelVersions,
        total: accuracyOf(mr),
        days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, dr]) => ({ day, ...accuracyOf(dr) })),
      };
    })
    .sort((a, b) => b.total.corrections - a.total.corrections || a.modelVersion.localeCompare(b.modelVersion));
}
