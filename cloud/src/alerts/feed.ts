import type { DeviceStatus } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AfterCommitQueue } from './after-commit.js';
import type { AlertEngine } from './engine.js';
import type { DriftReading, ForecastReading } from './rules.js';
import { AlertContextRepository } from './context.repository.js';

/** A stock level as the core presents it (inventory.service present()): what it appends as a live 'stock' event. */
export interface StockLevelEvent {
  itemId: string;
  locationId: string;
  /** numeric columns may arrive as strings from pg */
  level: number | string;
  reorderPoint: number | string;
  updatedAt?: Date | string | null;
  /** 'not_counted': nobody has read or counted it there, so there is nothing to judge */
  status?: string;
}

/** What ingest hands the feed after a commit: an item's level at a location, or a device's status. */
type AfterCommit =
  { kind: 'stock'; orgId: string; venueId: string; level: StockLevelEvent } | { kind: 'device'; deviceId: string; status: DeviceStatus };

/** The most judgements one after-commit step takes (one stockLevels call, at most a few statements a level). */
const AFTER_COMMIT_CHUNK = 500;

/** An item-location's unexplained loss, from a variance report. */
export interface LossEvent {
  itemId: string;
  locationId: string;
  unexplainedUnits: number;
}

/**
 * Where the core's events enter the alert engine, after they commit. Each
 * method looks up what it needs and never throws: an alert problem is logged
 * and must not fail (and so redeliver) an ingest batch or an HTTP request.
 */
export function createAlertFeed(engine: AlertEngine, db: Db, logger: Logger, now: () => Date = () => new Date()) {
  const log = logger.child({ module: 'alerts:feed' });
  const guard = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      log.error({ err: e, what }, 'alert evaluation failed');
    }
  };

  /**
   * Levels recomputed from trusted observations or a person's count. The
   * core computes levels only from trusted counts, so these are trusted;
   * the engine still vetoes a location whose camera is going stale.
   */
  const stockLevelsAt = (orgId: string, venues: readonly { venueId: string; levels: readonly StockLevelEvent[] }[]) =>
    guard('stock', async () => {
      // a level nobody has seen is not a zero: it never raises (or clears) an alert
      const seen = venues.flatMap(({ venueId, levels }) =>
        levels.filter((stock) => stock.status !== 'not_counted').map((stock) => ({ venueId, stock })),
      );
      if (!seen.length) return;
      await engine.stockLevels(
        orgId,
        seen.map(({ venueId, stock }) => ({
          orgId,
          venueId,
          itemId: stock.itemId,
          locationId: stock.locationId,
          level: Number(stock.level),
          reorderPoint: Number(stock.reorderPoint),
          trusted: true,
          at: stock.updatedAt ? new Date(stock.updatedAt) : now(),
        })),
      );
    });

  const deviceStatus = (deviceId: string, status: DeviceStatus) =>
    guard('device', async () => {
      const context = new AlertContextRepository(db);
      const owner = await context.deviceOwner(deviceId);
      if (!owner) return;
      // The device's clock may be off; judge freshness by when the cloud heard it.
      const at = now();
      const device = { ...owner, deviceId, online: status.state === 'online', at };
      if (status.state !== 'online') return void (await engine.deviceHealth(device, [], undefined));
      const where = new Map((await context.cameraLocations(deviceId)).map((camera) => [camera.id, camera.locationId]));
      const skew = at.getTime() - Date.parse(status.at);
      const cameras = status.cameras.map((camera) => ({
        ...owner,
        deviceId,
        cameraId: camera.id,
        locationId: where.get(camera.id),
        lastFrameAt: camera.lastFrameAt ? new Date(Date.parse(camera.lastFrameAt) + skew) : null,
        state: camera.state,
        at,
      }));
      await engine.deviceHealth(device, cameras, { ...owner, deviceId, depth: status.outbox.depth, at });
    });

  /** A chunk of ingest's judgements: levels by organisation and venue (the engine reads once an organisation), then statuses. */
  const judgeAfterCommit = async (chunk: readonly AfterCommit[]) => {
    const byOrg = new Map<string, Map<string, StockLevelEvent[]>>();
    for (const j of chunk) {
      if (j.kind !== 'stock') continue;
      const venues = byOrg.get(j.orgId) ?? new Map<string, StockLevelEvent[]>();
      byOrg.set(j.orgId, venues);
      const levels = venues.get(j.venueId) ?? [];
      venues.set(j.venueId, levels);
      levels.push(j.level);
    }
    for (const [orgId, venues] of byOrg)
      await stockLevelsAt(
        orgId,
        [...venues].map(([venueId, levels]) => ({ venueId, levels })),
      );
    for (const j of chunk) if (j.kind === 'device') await deviceStatus(j.deviceId, j.status);
  };
  const afterCommit = new AfterCommitQueue<AfterCommit>({
    judge: judgeAfterCommit,
    chunk: AFTER_COMMIT_CHUNK,
    onError: (e) => log.error({ err: e }, 'alert evaluation failed'),
    now: () => now().getTime(),
  });

  return {
    /**
     * Levels an ingest commit moved, judged after it and off its acknowledgement's path: returns at
     * once. An item whose level moves again before it is judged is judged at its latest only.
     */
    stockLevelsAfterCommit(orgId: string, venueId: string, levels: readonly StockLevelEvent[]): void {
      for (const level of levels)
        afterCommit.put(`stock ${orgId} ${level.locationId} ${level.itemId}`, { kind: 'stock', orgId, venueId, level });
    },
    /** A committed status (or last will), judged after its commit as stockLevelsAfterCommit's levels are; the latest a device. */
    deviceStatusAfterCommit(deviceId: string, status: DeviceStatus): void {
      afterCommit.put(`device ${deviceId}`, { kind: 'device', deviceId, status });
    },
    /** Judgements handed over and not done yet, and how long the oldest has waited (the metrics' gauges). */
    afterCommitLag: () => afterCommit.lag(),
    /** Resolves once everything handed to the *AfterCommit methods so far has been judged. */
    afterCommitSettled: () => afterCommit.settled(),
    /** Drops the judgements still waiting and waits for the one under way (shutdown). */
    stop: () => afterCommit.stop(),
    /**
     * Levels recomputed from trusted observations or a person's count. The
     * core computes levels only from trusted counts, so these are trusted;
     * the engine still vetoes a location whose camera is going stale.
     */
    stockLevels: (orgId: string, venueId: string, levels: StockLevelEvent[]) => stockLevelsAt(orgId, [{ venueId, levels }]),
    /**
     * stockLevels for several of an organisation's venues at once (an ingest run across a fleet): the
     * engine reads what it needs for all of them together, not twice a venue.
     */
    stockLevelsAt,
    /** Variance: bottle units of each item at each location gone without a sale, waste or transfer, as of at. */
    unexplainedLoss: (orgId: string, venueId: string, losses: LossEvent[], at: Date = now()) =>
      guard('loss', async () => {
        for (const loss of losses)
          await engine.loss({
            orgId,
            venueId,
            itemId: loss.itemId,
            locationId: loss.locationId,
            unexplainedUnits: loss.unexplainedUnits,
            at,
          });
      }),
    /** The vision model's recent accuracy at a venue (vision/'s drift watch): the model_drift rule. */
    modelDrift: (reading: DriftReading) => guard('drift', () => engine.drift(reading)),
    /** Days of stock left by the forecast (forecast/): the forecast_stockout rule. */
    forecast: (reading: ForecastReading) => guard('forecast', () => engine.forecast(reading)),

    /** A device's retained status or last will: online/offline, each camera's health, its outbox depth. */
    deviceStatus,
  };
}

export type AlertFeed = ReturnType<typeof createAlertFeed>;
