import type { z } from 'zod';
import type { varianceAnomaly, varianceLine } from '@smartstock/api';
import type { MeasuredStock } from '../inventory/index.js';
import type { DropRow, MovedRow } from './variance.repository.js';

export type VarianceLine = z.output<typeof varianceLine>;
export type VarianceAnomaly = z.output<typeof varianceAnomaly>;

/** A fall smaller than this (bottle units) between two readings is a pour or the fill model's noise, not an event. */
export const MIN_DROP_UNITS = 0.1;
/** Half a bottle gone between two readings at most this far apart is sudden: no bar pours that fast. */
export const SUDDEN_DROP_UNITS = 0.5;
export const SUDDEN_WITHIN_MINUTES = 15;
/** POS clocks and camera clocks disagree, and a pour is rung up before or after it is made. */
export const SALE_SLACK_MINUTES = 15;
/** How far back the venue's sales are read to tell its opening hours. */
export const OPENING_HOURS_LOOKBACK_DAYS = 28;

const round = (v: number, places = 3) => Math.round(v * 10 ** places) / 10 ** places;

/** A quantity in bottle units, in ml (when the bottle size is known) and in money (when the cost is). */
export function amount(units: number, bottleSizeMl: number | null, unitCost: number | null) {
  return {
    units: round(units),
    ml: bottleSizeMl === null ? null : round(units * bottleSizeMl, 1),
    cost: unitCost === null ? null : round(units * unitCost, 2),
  };
}

/**
 * opening + received + transferred in − transferred out + adjusted − sold − waste − closing
 * = unexplained, the stock at both ends being the whole location's (on the shelf and off camera).
 * A closing measured no later than the opening one is no measurement of the period: without
 * either, the line says which is missing and shows no loss.
 */
export function varianceLineOf(
  r: MovedRow,
  open: MeasuredStock | undefined,
  close: MeasuredStock | undefined,
  revenueCents = 0,
): VarianceLine {
  const a = (u: number) => amount(u, r.bottleSizeMl, r.unitCost);
  const measurement = (m: MeasuredStock | undefined) =>
    m?.source && m.at ? { source: m.source, at: new Date(m.at), units: round(m.units) } : null;
  const opening = measurement(open);
  const fresh = measurement(close);
  const closing = fresh && (!opening || fresh.at > opening.at) ? fresh : null;
  const status = opening && closing ? 'measured' : opening ? 'no_closing' : closing ? 'no_opening' : 'not_counted';
  let unexplained: VarianceLine['unexplained'] = null;
  let pct: number | null = null;
  // pour cost: what the drinks cost the bar as a share of what they sold for
  const revenue = revenueCents > 0 ? round(revenueCents / 100, 2) : null;
  const pourCost = (units: number) => (revenue !== null && r.unitCost !== null ? round(((units * r.unitCost) / revenue) * 100, 1) : null);
  let actualPourCostPct: number | null = null;
  if (opening && closing) {
    const u = open!.units + r.received + r.transferredIn - r.transferredOut + r.adjusted - r.sold - r.waste - close!.units;
    unexplained = a(u);
    const usage = r.sold + r.waste + u;
    pct = usage > 0 ? round((u / usage) * 100, 1) : null;
    actualPourCostPct = pourCost(usage);
  }
  return {
    itemId: r.itemId,
    sku: r.sku,
    name: r.name,
    locationId: r.locationId,
    locationName: r.locationName,
    bottleSizeMl: r.bottleSizeMl,
    unitCost: r.unitCost,
    status,
    opening,
    closing,
    received: a(r.received),
    soldInTheory: a(r.sold),
    waste: a(r.waste),
    transferredIn: a(r.transferredIn),
    transferredOut: a(r.transferredOut),
    adjusted: a(r.adjusted),
    unexplained,
    unexplainedPctOfUsage: pct,
    revenue,
    pourCostPct: pourCost(r.sold),
    actualPourCostPct,
  };
}

/**
 * The report's pour costs over its lines: theoretical over every line with revenue and a cost,
 * actual over the measured ones among them (a line never counted has no actual usage).
 */
export function pourCostTotals(lines: VarianceLine[]) {
  const priced = lines.filter((l) => l.revenue !== null && l.unitCost !== null);
  const measured = priced.filter((l) => l.unexplained);
  const sum = (ls: VarianceLine[], v: (l: VarianceLine) => number) => ls.reduce((s, l) => s + v(l), 0);
  const pct = (cost: number, revenue: number) => (revenue > 0 ? round((cost / revenue) * 100, 1) : null);
  const actualUnits = (l: VarianceLine) => l.soldInTheory.units + l.waste.units + l.unexplained!.units;
  return {
    revenue: round(
      sum(lines, (l) => l.revenue ?? 0),
      2,
    ),
    pourCostPct: pct(
      sum(priced, (l) => l.soldInTheory.units * l.unitCost!),
      sum(priced, (l) => l.revenue!),
    ),
    actualPourCostPct: pct(
      sum(measured, (l) => actualUnits(l) * l.unitCost!),
      sum(measured, (l) => l.revenue!),
    ),
  };
}

/**
 * Which drops are anomalies and why. Opening hours: the venue has none on record, so the
 * hours of the week in which it sold anything (openHours, "dow:hour" in venue time) stand in;
 * with no sales to go by (openHours null) nothing is judged by the clock.
 */
export function anomalyOf(row: DropRow, openHours: Set<string> | null, bottleSizeMl: number | null): VarianceAnomaly | null {
  const drop = row.prevUnits - row.units;
  const minutes = (new Date(row.at).getTime() - new Date(row.prevAt).getTime()) / 60_000;
  const kinds: VarianceAnomaly['kinds'] = [];
  if (openHours && !openHours.has(`${row.dow}:${row.hour}`)) kinds.push('outside_hours');
  if (row.recordedUnits <= 0) kinds.push('no_sale');
  if (drop >= SUDDEN_DROP_UNITS && minutes <= SUDDEN_WITHIN_MINUTES) kinds.push('sudden_drop');
  if (!kinds.length) return null;
  const evidence = (id: string, at: Date, units: number) => ({
    observationId: id,
    at: new Date(at),
    units: round(units),
    deviceId: row.deviceId,
    cameraId: row.cameraId,
    slotId: row.slotId,
  });
  return {
    itemId: row.itemId,
    locationId: row.locationId,
    kinds,
    at: new Date(row.at),
    dropUnits: round(drop),
    dropMl: bottleSizeMl === null ? null : round(drop * bottleSizeMl, 1),
    recordedUnits: round(row.recordedUnits),
    before: evidence(row.prevId, row.prevAt, row.prevUnits),
    after: evidence(row.id, row.at, row.units),
    observationsUrl: `/api/v1/inventory/items/${row.itemId}/history?${new URLSearchParams({
      from: new Date(new Date(row.prevAt).getTime() - 3_600_000).toISOString(),
      to: new Date(new Date(row.at).getTime() + 3_600_000).toISOString(),
    }).toString()}`,
    snapshot: null,
    snapshotUrl: null,
    snapshotNote: NO_SNAPSHOT,
  };
}

/** How far from a drop's two readings a kept snapshot still shows it. */
export const SNAPSHOT_WITHIN_MS = 30 * 60_000;
const NO_SNAPSHOT =
  'No snapshot of this camera was kept within 30 minutes of the drop: the cloud keeps a picture only when someone takes one ' +
  '(the edge sends readings, not pictures), so the readings around the drop are the evidence.';

/** A kept snapshot of the anomaly's camera, as the devices module lists them. */
export interface KeptSnapshot {
  url: string;
  takenAt: Date;
}

/**
 * The anomaly with the snapshot nearest its two readings among the camera's kept ones (taken between
 * them counts as at the drop), when one lies within SNAPSHOT_WITHIN_MS; kept as it is otherwise.
 */
export function withSnapshot(a: VarianceAnomaly, kept: KeptSnapshot[]): VarianceAnomaly {
  const [from, to] = [a.before.at.getTime(), a.after.at.getTime()];
  const distance = (snapshot: KeptSnapshot) => Math.max(0, from - snapshot.takenAt.getTime(), snapshot.takenAt.getTime() - to);
  const near = kept.filter((snapshot) => distance(snapshot) <= SNAPSHOT_WITHIN_MS).sort((x, y) => distance(x) - distance(y))[0];
  if (!near) return a;
  const off = Math.round(distance(near) / 60_000);
  const when =
    near.takenAt.getTime() < from
      ? `${off} min before the reading before the drop`
      : near.takenAt.getTime() > to
        ? `${off} min after the drop's reading`
        : 'between the two readings';
  return {
    ...a,
    snapshot: { url: near.url, takenAt: near.takenAt },
    snapshotUrl: near.url,
    snapshotNote: `Snapshot of camera ${a.after.cameraId} taken ${when} (${near.takenAt.toISOString()}), kept because someone took it then.`,
  };
}
