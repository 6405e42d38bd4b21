import type { AlertFeed } from '../alerts/feed.js';
import { decodeObservationBatch, formatDecodeError, type ObservationBatch } from '@smartstock/protocol';
import type { Db } from '../db/types.js';
import { repos, type Repos } from '../repositories/index.js';
import type { Device } from '../repositories/device.repository.js';
import type { ObservationRow, StoredObservation } from '../repositories/observation.repository.js';
import { present, type PresentedStock } from './inventory.service.js';
import { nulField } from '../nul.js';
import type { DeadLetterLimit } from '../ingest/flood-limit.js';

export type IngestOutcome = { stored: number; duplicates: number } | { deadLetter: string };

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
    private readonly floodLimit?: DeadLetterLimit,
  ) {}

  async recordBatch(topicDeviceId: string, topic: string, payload: Uint8Array): Promise<IngestOutcome> {
    const decoded = decodeObservationBatch(payload);
    if (!decoded.ok) return this.dead(topic, topicDeviceId, null, payload, `invalid batch: ${formatDecodeError(decoded.error)}`);
    const batch = decoded.value;
    // PostgreSQL text cannot hold NUL: refused here rather than failing the insert three times
    const nul = nulField({ batch });
    if (nul) return this.dead(topic, topicDeviceId, null, payload, `invalid batch: ${nul} contains a NUL character`);
    if (batch.deviceId !== topicDeviceId)
      return this.dead(topic, topicDeviceId, null, payload, `device mismatch: payload says ${batch.deviceId}, topic says ${topicDeviceId}`);
    const device = await repos(this.db).devices.getForIngest(topicDeviceId);
    if (!device) return this.dead(topic, topicDeviceId, null, payload, 'unknown device');
    if (device.revokedAt) return this.dead(topic, topicDeviceId, device.orgId, payload, 'revoked');
    const rows = toRows(batch, device);
    const { stored, levels } = await this.db.transaction(async (tx) => {
      const r = repos(tx);
      const fresh = await r.observations.insertBatch(device.orgId, device.id, batch.seq, rows);
      return { stored: fresh.length, levels: fresh.length ? await publishLive(r, device, fresh) : [] };
    });
    if (levels.length) await this.alerts?.stockLevels(device.orgId, device.venueId, levels);
    return { stored, duplicates: rows.length - stored };
  }

  async dead(topic: string, deviceId: string | null, orgId: string | null, payload: Uint8Array, reason: string): Promise<IngestOutcome> {
    if (this.floodLimit && !this.floodLimit.admit(deviceId)) return { deadLetter: reason };
    await repos(this.db).deadLetters.insert({ topic, deviceId, orgId, reason, payload });
    return { deadLetter: reason };
  }
}

function toRows(batch: ObservationBatch, device: Device): ObservationRow[] {
  const cams = (device.health as { cameras?: { id: string; state: string }[] } | null)?.cameras ?? [];
  const staleCams = new Set(cams.filter((c) => UNTRUSTED_CAMERA.has(c.state)).map((c) => c.id));
  const latest = Date.now() + FUTURE_SKEW_MS;
  return batch.observations.map((o) => ({
    ...o,
    // a stale camera's count is kept (as history) but marked stale and never trusted
    state: staleCams.has(o.cameraId) ? 'stale' : o.state,
    trusted: o.state === 'ok' && !staleCams.has(o.cameraId) && Date.parse(o.at) <= latest,
  }));
}

async function publishLive(r: Repos, device: Device, fresh: StoredObservation[]): Promise<PresentedStock[]> {
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
