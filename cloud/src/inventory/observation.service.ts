import type { ObservationBatch } from '@smartstock/protocol';
import type { AlertFeed } from '../alerts/index.js';
import type { Db } from '../db/types.js';
import type { ObservationRow, StoredObservation } from './observation.repository.js';
import { present, repos, type PresentedStock } from './inventory.service.js';

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
/** Clock skew a device may have before its counts stop being trusted. */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Observation batches from devices. The rows, their live events and the stock
 * levels they move commit in one transaction; the caller acks the MQTT message
 * only after this resolves, so a crash means redelivery, and a redelivery is
 * absorbed by ON CONFLICT (id) DO NOTHING.
 */
export class ObservationService {
  constructor(
    private readonly db: Db,
    private readonly alerts?: AlertFeed,
  ) {}

  async record(device: ObservingDevice, batch: ObservationBatch): Promise<{ stored: number; duplicates: number }> {
    const rows = toRows(batch, device);
    const { stored, levels } = await this.db.transaction(async (tx) => {
      const r = repos(tx);
      const fresh = await r.observations.insertBatch(device.orgId, device.id, batch.seq, rows);
      return { stored: fresh.length, levels: fresh.length ? await publishLive(r, device, fresh) : [] };
    });
    if (levels.length) await this.alerts?.stockLevels(device.orgId, device.venueId, levels);
    return { stored, duplicates: rows.length - stored };
  }
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

async function publishLive(r: Repos, device: ObservingDevice, fresh: StoredObservation[]): Promise<PresentedStock[]> {
  const levels: PresentedStock[] = [];
  await r.live.append(device.orgId, device.venueId, 'observation', {
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
  });
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
      await r.live.append(device.orgId, device.venueId, 'stock', p);
    }
  }
  return levels;
}
