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
  classify(reading: ReadingOf[N], cfg: RulesConfig): Verdict;
  subject(reading: ReadingOf[N]): Subject;
}

type Debounce = { raiseAfterReadings: number; raiseAfterSeconds: number; clearAfterReadings: number };
const fromDebounce = (debounce: Debounce): Hysteresis => ({
  raiseAfterReadings: debounce.raiseAfterReadings,
  // 0 s means "readings only": a duration of zero would raise on the first reading.
  raiseAfterMs: debounce.raiseAfterSeconds === 0 ? Infinity : debounce.raiseAfterSeconds * 1000,
  clearAfterReadings: debounce.clearAfterReadings,
});
const stockSubject = (reading: { itemId: string; locationId: string }): Subject => ({
  key: `item:${reading.itemId}@${reading.locationId}`,
  itemId: reading.itemId,
  locationId: reading.locationId,
});
const band = (breach: boolean, clear: boolean): Verdict => (breach ? 'breach' : clear ? 'clear' : 'band');

const lowStock: Rule<'low_stock'> = {
  name: 'low_stock',
  severity: 'warning',
  hysteresis: (config) => fromDebounce(config.lowStock.debounce),
  // At or below empty it is out, not low: out_of_stock says so, and an open low alert clears.
  classify: (reading, config) =>
    reading.level <= config.outOfStock.emptyAt
      ? 'clear'
      : band(reading.level <= reading.reorderPoint, reading.level > reading.reorderPoint + config.lowStock.clearMargin),
  subject: stockSubject,
};

const outOfStock: Rule<'out_of_stock'> = {
  name: 'out_of_stock',
  severity: 'critical',
  hysteresis: (config) => fromDebounce(config.outOfStock.debounce),
  classify: (reading, config) =>
    band(reading.level <= config.outOfStock.emptyAt, reading.level > config.outOfStock.emptyAt + config.outOfStock.clearMargin),
  subject: stockSubject,
};

const forecastStockout: Rule<'forecast_stockout'> = {
  name: 'forecast_stockout',
  severity: 'info',
  hysteresis: (config) => fromDebounce(config.forecastStockout.debounce),
  classify: (reading, config) =>
    band(
      reading.daysUntilStockout !== null && reading.daysUntilStockout <= config.forecastStockout.withinDays,
      reading.daysUntilStockout === null || reading.daysUntilStockout > config.forecastStockout.withinDays + 1,
    ),
  subject: stockSubject,
};

const unexplainedLoss: Rule<'unexplained_loss'> = {
  name: 'unexplained_loss',
  severity: 'warning',
  hysteresis: (config) => fromDebounce(config.unexplainedLoss.debounce),
  classify: (reading, config) =>
    band(
      reading.unexplainedUnits >= config.unexplainedLoss.thresholdUnits,
      reading.unexplainedUnits < config.unexplainedLoss.thresholdUnits / 2,
    ),
  subject: stockSubject,
};

const deviceOffline: Rule<'device_offline'> = {
  name: 'device_offline',
  severity: 'critical',
  // A device that went away sends no more readings: only the duration can raise it.
  hysteresis: (config) => ({ raiseAfterReadings: Infinity, raiseAfterMs: config.deviceOffline.afterSeconds * 1000, clearAfterReadings: 1 }),
  classify: (reading) => (reading.online ? 'clear' : 'breach'),
  subject: (reading) => ({ key: `device:${reading.deviceId}`, deviceId: reading.deviceId }),
};

const cameraStale: Rule<'camera_stale'> = {
  name: 'camera_stale',
  severity: 'warning',
  hysteresis: (config) => fromDebounce(config.cameraStale.debounce),
  // A camera switched off on purpose is not stale: its counts simply stop.
  classify: (reading, config) => (reading.state === 'disabled' ? 'clear' : isCameraStale(reading, config) ? 'breach' : 'clear'),
  subject: (reading) => ({
    key: `camera:${reading.deviceId}/${reading.cameraId}`,
    deviceId: reading.deviceId,
    cameraId: reading.cameraId,
    locationId: reading.locationId,
  }),
};

const outboxBacklog: Rule<'outbox_backlog'> = {
  name: 'outbox_backlog',
  severity: 'warning',
  hysteresis: (config) => fromDebounce(config.outboxBacklog.debounce),
  classify: (reading, config) => band(reading.depth >= config.outboxBacklog.depth, reading.depth < config.outboxBacklog.depth / 2),
  subject: (reading) => ({ key: `outbox:${reading.deviceId}`, deviceId: reading.deviceId }),
};

const modelDrift: Rule<'model_drift'> = {
  name: 'model_drift',
  severity: 'warning',
  hysteresis: (config) => fromDebounce(config.modelDrift.debounce),
  classify: (reading, config) => {
    const thresholds = reading.thresholds ?? config.modelDrift;
    // too few judged corrections say nothing about the error: only the pile-up can raise then
    const sure = reading.judged >= thresholds.minJudged && reading.countError !== null;
    const errorHigh = sure && reading.countError! > thresholds.countErrorAbove;
    const errorLow = !sure || reading.countError! <= thresholds.countErrorAbove / 2;
    return band(
      errorHigh || reading.corrections >= thresholds.correctionsAtLeast,
      errorLow && reading.corrections < thresholds.correctionsAtLeast / 2,
    );
  },
  subject: (reading) => ({ key: `venue:${reading.venueId}` }),
};

export function isCameraStale(reading: CameraReading, config: RulesConfig): boolean {
  if (reading.state === 'stale' || reading.state === 'failed' || reading.state === 'connecting') return true;
  return reading.lastFrameAt === null || reading.at.getTime() - reading.lastFrameAt.getTime() > config.cameraStale.noFrameForSeconds * 1000;
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
