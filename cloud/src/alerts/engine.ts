import { AlertRepository, type Alert, type AlertFilter } from './alert.repository.js';
import { judgeDeviceHealth } from './device-health.js';
import { createJudge, type AlertEngineDeps } from './judge.js';
import type { CameraReading, DeviceReading, DriftReading, ForecastReading, LossReading, OutboxReading, StockReading } from './rules.js';
import { judgeStockLevels } from './stock-levels.js';
import { tick } from './tick.js';

export type { AlertEngineDeps } from './judge.js';

export type AlertEngine = ReturnType<typeof createAlertEngine>;

/**
 * Turns readings into alerts: one open alert per (rule, subject), raised and
 * cleared through hysteresis, stock judged only on trusted readings. Every
 * change and its outbox rows commit together, so a crash neither loses an
 * alert's message nor sends it for an alert that was rolled back.
 */
export function createAlertEngine(deps: AlertEngineDeps) {
  const judge = createJudge(deps);
  const { now, evaluate, announce, publish } = judge;
  const stockLevels = (orgId: string, readings: readonly StockReading[]): Promise<Alert[]> => judgeStockLevels(judge, orgId, readings);

  async function byPerson(
    orgId: string,
    alertId: string,
    to: 'acknowledged' | 'resolved',
    userId: string | null,
    note?: string,
  ): Promise<Alert | undefined> {
    const a = await deps.db.transaction(async (tx) => {
      const changed = await new AlertRepository(tx).transition(orgId, alertId, to, now(), userId, note ?? null);
      if (changed) await announce(tx, changed);
      return changed;
    });
    if (a) publish([a]);
    return a;
  }

  return {
    /** A stock level changed (ingest or a manual transaction). Untrusted readings are ignored entirely. */
    stockLevel: (r: StockReading): Promise<Alert[]> => stockLevels(r.orgId, [r]),
    /** Several of one organisation's levels (an ingest batch), judged in order as stockLevel judges each. */
    stockLevels,
    /** A device's status message or last will, its cameras and its outbox, skipping what is clear and holds no condition. */
    deviceHealth: (r: DeviceReading, cameras: readonly CameraReading[], outbox: OutboxReading | undefined): Promise<Alert[]> =>
      judgeDeviceHealth(judge, r, cameras, outbox),
    /** A device's status message or last will. */
    deviceStatus: (r: DeviceReading) => evaluate('device_offline', r, { deviceId: r.deviceId, since: r.at.toISOString() }),
    /** One camera's health, from the device's status message. */
    cameraStatus: (r: CameraReading) =>
      evaluate('camera_stale', r, { deviceId: r.deviceId, cameraId: r.cameraId, lastFrameAt: r.lastFrameAt?.toISOString() ?? null }),
    /** The device's reported outbox depth, from its status message. */
    outboxDepth: (r: OutboxReading) => evaluate('outbox_backlog', r, { deviceId: r.deviceId, depth: r.depth }),
    forecast: (r: ForecastReading) => evaluate('forecast_stockout', r, r.daysUntilStockout === null ? {} : { days: r.daysUntilStockout }),
    loss: (r: LossReading) => evaluate('unexplained_loss', r, { units: r.unexplainedUnits }),
    drift: (r: DriftReading) =>
      evaluate('model_drift', r, {
        countError: r.countError,
        corrections: r.corrections,
        windowDays: r.windowDays,
        since: new Date(r.at.getTime() - r.windowDays * 86_400_000).toISOString(),
      }),

    /** Periodic: raises breaches that lasted long enough with no new reading, and escalates unacknowledged alerts. */
    tick: (): Promise<Alert[]> => tick(judge),

    /** A person has seen it: escalation stops. Undefined when absent, foreign, or not open. */
    acknowledge: (orgId: string, alertId: string, userId: string | null, note?: string) =>
      byPerson(orgId, alertId, 'acknowledged', userId, note),
    /** A person closes it by hand; the condition must clear before the same alert can be raised again. */
    resolve: (orgId: string, alertId: string, userId: string | null, note?: string) => byPerson(orgId, alertId, 'resolved', userId, note),
    list: (orgId: string, f?: AlertFilter) => new AlertRepository(deps.db).list(orgId, f),
    get: (orgId: string, id: string) => new AlertRepository(deps.db).get(orgId, id),
    history: (orgId: string, id: string) => new AlertRepository(deps.db).history(orgId, id),
  };
}
