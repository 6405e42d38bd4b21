import type { Hysteresis, Verdict } from './hysteresis.js';
import type { RulesConfig } from './config.js';
import { ALERT_STATES, type ALERT_RULES, type SEVERITIES } from '@smartstock/api';

/**
 * The alert rules: what a reading means for each (a breach, the in-between
 * band, or clear) and whom it concerns. Each rule reads only the facts it is
 * given; trust is settled before a reading gets here (see engine.ts).
 */
export type RuleName = (typeof ALERT_RULES)[number];

export type Severity = (typeof SEVERITIES)[number];

/** An alert's life: raised, possibly escalated, acknowledged, resolved. */
export { ALERT_STATES };
export type AlertState = (typeof ALERT_STATES)[number];

interface Scope {
  orgId: string;
  venueId: string;
  at: Date;
}
/** A stock level of one item at one location, as the core derives it. */
export interface StockReading extends Scope {
  itemId: string;
  locationId: string;
  level: number;
  reorderPoint: number;
  /** False when the level rests on a stale camera or device: such a reading is never judged. */
  trusted: boolean;
}
export interface DeviceReading extends Scope {
  deviceId: string;
  online: boolean;
}
export interface CameraReading extends Scope {
  deviceId: string;
  cameraId: string;
  locationId?: string | undefined;
  lastFrameAt: Date | null;
  /** The device's own verdict (protocol CAMERA_STATES), when it gave one. */
  state?: 'connecting' | 'streaming' | 'stale' | 'failed' | 'disabled' | undefined;
}
export interface OutboxReading extends Scope {
  deviceId: string;
  depth: number;
}
/** From forecasting, once it exists; null days means no stock-out in sight. */
export interface ForecastReading extends Scope {
  itemId: string;
  locationId: string;
  daysUntilStockout: number | null;
}
/** From variance, once it exists: bottle units gone without a sale, waste or transfer. */
export interface LossReading extends Scope {
  itemId: string;
  locationId: string;
  unexplainedUnits: number;
}

/**
 * The vision model at a venue over the last window (vision/'s drift watch): how far the counts
 * people corrected were off, and how many corrections were made.
 */
export interface DriftReading extends Scope {
  /** mean |true - model| bottles over the judged corrections; null when none */
  countError: number | null;
  judged: number;
  corrections: number;
  windowDays: number;
  /** the venue's own thresholds (vision/'s per-venue settings); absent: the config's */
  thresholds?: { countErrorAbove: number; minJudged: number; correctionsAtLeast: number } | undefined;
}

export interface ReadingOf {
  low_stock: StockReading;
  out_of_stock: StockReading;
  forecast_stockout: ForecastReading;
  unexplained_loss: LossReading;
  device_offline: DeviceReading;
  camera_stale: CameraReading;
  outbox_backlog: OutboxReading;
  model_drift: DriftReading;
}

export interface Subject {
  key: string;
  itemId?: string | undefined;
  locationId?: string | undefined;
  deviceId?: string | undefined;
  cameraId?: string | undefined;
}

export interface Rule<N extends RuleName> {
  name: N;
  severity: Severity;
  hysteresis(cfg: RulesConfig): Hysteresis;
  classify(r: ReadingOf[N], cfg: RulesConfig): Verdict;
  subject(r: ReadingOf[N]): Subject;
}

type Debounce = { raiseAfterReadings: number; raiseAfterSeconds: number; clearAfterReadings: number };
const fromDebounce = (d: Debounce): Hysteresis => ({
  raiseAfterReadings: d.raiseAfterReadings,
  // 0 s means "readings only": a duration of zero would raise on the first reading.
  raiseAfterMs: d.raiseAfterSeconds === 0 ? Infinity : d.raiseAfterSeconds * 1000,
  clearAfterReadings: d.clearAfterReadings,
});
const stockSubject = (r: { itemId: string; locationId: string }): Subject => ({
  key: `item:${r.itemId}@${r.locationId}`,
  itemId: r.itemId,
  locationId: r.locationId,
});
const band = (breach: boolean, clear: boolean): Verdict => (breach ? 'breach' : clear ? 'clear' : 'band');

const lowStock: Rule<'low_stock'> = {
  name: 'low_stock',
  severity: 'warning',
  hysteresis: (c) => fromDebounce(c.lowStock.debounce),
  // At or below empty it is out, not low: out_of_stock says so, and an open low alert clears.
  classify: (r, c) =>
    r.level <= c.outOfStock.emptyAt ? 'clear' : band(r.level <= r.reorderPoint, r.level > r.reorderPoint + c.lowStock.clearMargin),
  subject: stockSubject,
};

const outOfStock: Rule<'out_of_stock'> = {
  name: 'out_of_stock',
  severity: 'critical',
  hysteresis: (c) => fromDebounce(c.outOfStock.debounce),
  classify: (r, c) => band(r.level <= c.outOfStock.emptyAt, r.level > c.outOfStock.emptyAt + c.outOfStock.clearMargin),
  subject: stockSubject,
};

const forecastStockout: Rule<'forecast_stockout'> = {
  name: 'forecast_stockout',
  severity: 'info',
  hysteresis: (c) => fromDebounce(c.forecastStockout.debounce),
  classify: (r, c) =>
    band(
      r.daysUntilStockout !== null && r.daysUntilStockout <= c.forecastStockout.withinDays,
      r.daysUntilStockout === null || r.daysUntilStockout > c.forecastStockout.withinDays + 1,
    ),
  subject: stockSubject,
};

const unexplainedLoss: Rule<'unexplained_loss'> = {
  name: 'unexplained_loss',
  severity: 'warning',
  hysteresis: (c) => fromDebounce(c.unexplainedLoss.debounce),
  classify: (r, c) =>
    band(r.unexplainedUnits >= c.unexplainedLoss.thresholdUnits, r.unexplainedUnits < c.unexplainedLoss.thresholdUnits / 2),
  subject: stockSubject,
};

const deviceOffline: Rule<'device_offline'> = {
  name: 'device_offline',
  severity: 'critical',
  // A device that went away sends no more readings: only the duration can raise it.
  hysteresis: (c) => ({ raiseAfterReadings: Infinity, raiseAfterMs: c.deviceOffline.afterSeconds * 1000, clearAfterReadings: 1 }),
  classify: (r) => (r.online ? 'clear' : 'breach'),
  subject: (r) => ({ key: `device:${r.deviceId}`, deviceId: r.deviceId }),
};

const cameraStale: Rule<'camera_stale'> = {
  name: 'camera_stale',
  severity: 'warning',
  hysteresis: (c) => fromDebounce(c.cameraStale.debounce),
  // A camera switched off on purpose is not stale: its counts simply stop.
  classify: (r, c) => (r.state === 'disabled' ? 'clear' : isCameraStale(r, c) ? 'breach' : 'clear'),
  subject: (r) => ({ key: `camera:${r.deviceId}/${r.cameraId}`, deviceId: r.deviceId, cameraId: r.cameraId, locationId: r.locationId }),
};

const outboxBacklog: Rule<'outbox_backlog'> = {
  name: 'outbox_backlog',
  severity: 'warning',
  hysteresis: (c) => fromDebounce(c.outboxBacklog.debounce),
  classify: (r, c) => band(r.depth >= c.outboxBacklog.depth, r.depth < c.outboxBacklog.depth / 2),
  subject: (r) => ({ key: `outbox:${r.deviceId}`, deviceId: r.deviceId }),
};

const modelDrift: Rule<'model_drift'> = {
  name: 'model_drift',
  severity: 'warning',
  hysteresis: (c) => fromDebounce(c.modelDrift.debounce),
  classify: (r, c) => {
    const d = r.thresholds ?? c.modelDrift;
    // too few judged corrections say nothing about the error: only the pile-up can raise then
    const sure = r.judged >= d.minJudged && r.countError !== null;
    const errorHigh = sure && r.countError! > d.countErrorAbove;
    const errorLow = !sure || r.countError! <= d.countErrorAbove / 2;
    return band(errorHigh || r.corrections >= d.correctionsAtLeast, errorLow && r.corrections < d.correctionsAtLeast / 2);
  },
  subject: (r) => ({ key: `venue:${r.venueId}` }),
};

export function isCameraStale(r: CameraReading, c: RulesConfig): boolean {
  if (r.state === 'stale' || r.state === 'failed' || r.state === 'connecting') return true;
  return r.lastFrameAt === null || r.at.getTime() - r.lastFrameAt.getTime() > c.cameraStale.noFrameForSeconds * 1000;
}

export const RULES: { [N in RuleName]: Rule<N> } = {
  low_stock: lowStock,
  out_of_stock: outOfStock,
  forecast_stockout: forecastStockout,
  unexplained_loss: unexplainedLoss,
  device_offline: deviceOffline,
  camera_stale: cameraStale,
  outbox_backlog: outboxBacklog,
  model_drift: modelDrift,
};

/** Rules that judge stock: they run only on trusted readings. */
export const STOCK_RULES = ['low_stock', 'out_of_stock'] as const;
