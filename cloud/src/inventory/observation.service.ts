import type { ObservationBatch } from '@smartstock/protocol';
import type { AlertFeed } from '../alerts/index.js';
import type { NewLiveEvent } from '../live/index.js';
import type { Db } from '../db/types.js';
import type { ObservationRow, StoredObservation } from './observation.repository.js';
import { repos } from './inventory.service.js';
import { present, type PresentedStock } from './stock.js';

type Repos = ReturnType<typeof repos>;

/** The device a batch came from, as ingest found it (known, not revoked, its topic and payload agreeing). */
export interface ObservingDevice {
  id: string;
  orgId: string;
  venueId: string;
  health: unknown;
}

/** Camera states whose counts cannot be trusted: the picture is old or absent. */
const UNTRUSTED_CAMERA = new Set(['stale', 'failed', 'connecting', 'disabled']);
/** Committed batches whose alert evaluation may be pending before record() waits for it (backpressure). */
const MAX_ALERT_BACKLOG = 64;
/** Clock skew a device may have before its counts stop being trusted. */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Observation batches from devices. The rows, their live events and the stock
 * levels they move commit in one transaction; the caller acks the MQTT message
 * only after this resolves, so a crash means redelivery, and a redelivery is
 * absorbed by ON CONFLICT (id) DO NOTHING.
 */
export class ObservationService {
  /** the alert evaluations of committed batches, in commit order, off the acknowledgement's path */
  private alertsDone: Promise<void> = Promise.resolve();
  private alertBacklog = 0;

  constructor(
    private readonly db: Db,
    private readonly alerts?: AlertFeed,
  ) {}

  /** Resolves once every committed batch's levels have been judged by the alert engine. */
  alertsSettled(): Promise<void> {
    return this.alertsDone;
  }

  async record(device: ObservingDevice, batch: ObservationBatch): Promise<{ stored: number; duplicates: number }> {
    return (await this.recordMany([{ device, batch }]))[0]!;
  }

  /**
   * Several devices' batches in one transaction, in the order given: one commit (one WAL flush) for
   * all of them, which is what lets ingest keep up with a fleet. All or nothing: if it throws, none
   * of them committed.
   */
  async recordMany(
    batches: readonly { device: ObservingDevice; batch: ObservationBatch }[],
  ): Promise<{ stored: number; duplicates: number }[]> {
    const judged = await this.db.transaction(async (tx) => {
      const r = repos(tx);
      const out: { device: ObservingDevice; rows: number; stored: number; levels: PresentedStock[] }[] = [];
      for (const { device, batch } of batches) {
        const rows = toRows(batch, device);
        const fresh = await r.observations.insertBatch(device.orgId, device.id, batch.seq, rows, modelVersions(device.health));
        out.push({ device, rows: rows.length, stored: fresh.length, levels: fresh.length ? await publishLive(r, device, fresh) : [] });
      }
      return out;
    });
    for (const { device, levels } of judged) if (levels.length) await this.judge(device, levels);
    return judged.map((j) => ({ stored: j.stored, duplicates: j.rows - j.stored }));
  }

  private async judge(device: ObservingDevice, levels: PresentedStock[]): Promise<void> {
    if (!this.alerts) return;
    // Judging a level takes several transactions an item (alerts/engine.ts): awaited here it held the
    // ack of every batch behind it, ~270 round trips for a 34-slot heartbeat. It was never part of the
    // guarantee (a crash after the commit loses it either way; the redelivery is a duplicate and moves
    // nothing), so it runs after, in order, and only a backlog of MAX_ALERT_BACKLOG batches waits.
    const alerts = this.alerts;
    this.alertBacklog++;
    const judged = this.alertsDone.then(() => alerts.stockLevels(device.orgId, device.venueId, levels)).finally(() => this.alertBacklog--);
    this.alertsDone = judged;
    if (this.alertBacklog > MAX_ALERT_BACKLOG) await judged;
  }
}

/**
 * The models the device runs, from its last status (the batch itself does not carry them: protocol v1).
 * A device restarts to load new models and publishes its status on start, so this is the batch's models
 * except for batches queued before an upgrade and sent after it, which are few and short-lived.
 */
export function modelVersions(health: unknown): Record<string, string> | null {
  const m = (health as { models?: unknown } | null)?.models;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return null;
  const out = Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string');
  return out.length ? Object.fromEntries(out) : null;
}

function toRows(batch: ObservationBatch, device: ObservingDevice): ObservationRow[] {
  const health = device.health as { at?: string; cameras?: { id: string; state: string }[] } | null;
  const staleCams = new Set((health?.cameras ?? []).filter((c) => UNTRUSTED_CAMERA.has(c.state)).map((c) => c.id));
  const reportedAt = health?.at ? Date.parse(health.at) : Infinity;
  const latest = Date.now() + FUTURE_SKEW_MS;
  return batch.observations.map((o) => {
    // A stale camera's count is kept (as history) but marked stale and never trusted. The health
    // report speaks for the time it was made: a reading taken after it comes from a camera that
    // delivered a frame since (the device marks its own stale readings), and the first readings
    // after a pause often arrive before the status that says the camera streams again.
    const stale = staleCams.has(o.cameraId) && Date.parse(o.at) <= reportedAt;
    return { ...o, state: stale ? 'stale' : o.state, trusted: o.state === 'ok' && !stale && Date.parse(o.at) <= latest };
  });
}

/**
 * The batch's observation event and one stock event per item it moved, written with one INSERT and
 * one notify (appendMany): a 34-slot heartbeat was 70 round trips when each event was its own.
 */
async function publishLive(r: Repos, device: ObservingDevice, fresh: StoredObservation[]): Promise<PresentedStock[]> {
  const levels: PresentedStock[] = [];
  const events: NewLiveEvent[] = [
    {
      orgId: device.orgId,
      venueId: device.venueId,
      type: 'observation',
      data: {
        deviceId: device.id,
        observations: fresh.map((o) => ({
          id: o.id,
          cameraId: o.cameraId,
          slotId: o.slotId,
          itemId: o.itemId,
          locationId: o.locationId,
          count: o.count,
          fills: o.fills,
          units: o.units,
          confidence: o.confidence,
          state: o.state,
          trusted: o.trusted,
          at: o.at,
        })),
      },
    },
  ];
  const byLocation = new Map<string, Set<string>>();
  for (const o of fresh) {
    if (!o.trusted || !o.itemId || !o.locationId) continue;
    const set = byLocation.get(o.locationId) ?? new Set();
    set.add(o.itemId);
    byLocation.set(o.locationId, set);
  }
  for (const [locationId, items] of byLocation) {
    for (const level of await r.stock.levels(device.orgId, locationId, [...items])) {
      const p = present(level);
      levels.push(p);
      events.push({ orgId: device.orgId, venueId: device.venueId, type: 'stock', data: p });
    }
  }
  await r.live.appendMany(events);
  return levels;
}
