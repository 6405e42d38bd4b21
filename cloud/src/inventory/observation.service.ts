import type { ObservationBatch } from '@smartstock/protocol';
import type { AlertFeed } from '../alerts/index.js';
import type { NewLiveEvent } from '../live/index.js';
import type { Db } from '../db/types.js';
import type { ObservationRow, StoredObservation } from './observation.repository.js';
import type { StockLevel } from './stock.repository.js';
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
/** Clock skew a device may have before its counts stop being trusted. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** observations.heartbeatKeepSeconds by default: one unchanged heartbeat row per slot an hour. */
export const HEARTBEAT_KEEP_SECONDS = 3600;

export interface ObservationOptions {
  /** an unchanged heartbeat within this many seconds of its reading's stored row is folded, not stored; 0: every one stored */
  heartbeatKeepSeconds?: number | undefined;
}

/**
 * What a batch came to. stored: new rows of observations; folded: heartbeats folded into their slot's
 * reading that brought its time forward (news, as a stored row is); duplicates: the rest (a redelivery,
 * or a heartbeat folded behind a newer reading of its slot).
 */
export interface Recorded {
  stored: number;
  folded: number;
  duplicates: number;
}

/**
 * Observation batches from devices. The rows, their live events and the stock
 * levels they move commit in one transaction; the caller acks the MQTT message
 * only after this resolves, so a crash means redelivery, and a redelivery is
 * absorbed by the insert (an id a device has had stored is skipped whatever its time: observation.repository.ts). An unchanged heartbeat is folded into its slot's reading
 * rather than stored (options.heartbeatKeepSeconds; observation.repository.ts says when); it is news to
 * the live stream and the alert engine as its row was, once: only when it moves its slot's time forward.
 */
export class ObservationService {
  constructor(
    private readonly db: Db,
    private readonly alerts?: AlertFeed,
    private readonly options: ObservationOptions = {},
  ) {}

  async record(device: ObservingDevice, batch: ObservationBatch): Promise<Recorded> {
    return (await this.recordMany([{ device, batch }]))[0]!;
  }

  /**
   * Several devices' batches in one transaction, in the order given: one commit (one WAL flush) for
   * all of them, which is what lets ingest keep up with a fleet. All or nothing: if it throws, none
   * of them committed.
   */
  async recordMany(batches: readonly { device: ObservingDevice; batch: ObservationBatch }[]): Promise<Recorded[]> {
    const judged = await this.db.transaction(async (tx) => {
      const repositories = repos(tx);
      const rows = batches.map(({ device, batch }) => toRows(batch, device));
      const fresh = await repositories.observations.insertMany(
        batches.map(({ device, batch }, i) => ({
          orgId: device.orgId,
          deviceId: device.id,
          seq: batch.seq,
          rows: rows[i]!,
          modelVersions: modelVersions(device.health),
        })),
        this.options.heartbeatKeepSeconds ?? HEARTBEAT_KEEP_SECONDS,
      );
      const levels = await publishLive(
        repositories,
        batches.map(({ device }, i) => ({ device, fresh: fresh[i]! })),
      );
      return {
        levels,
        out: fresh.map((f, i) => {
          const folded = f.filter((o) => o.folded).length;
          return { stored: f.length - folded, folded, duplicates: rows[i]!.length - f.length };
        }),
      };
    });
    // Judging a level takes a few round trips, more when it raises (alerts/stock-levels.ts): it was never
    // part of the guarantee (a crash after the commit loses it either way), so the feed judges it after,
    // off the acknowledgement's path, and never makes this wait (it once did past 2,000 levels waiting:
    // a fleet's PUBACKs paused for seconds, issue #30).
    for (const { orgId, venueId, levels } of judged.levels) if (levels.length) this.alerts?.stockLevelsAfterCommit(orgId, venueId, levels);
    return judged.out;
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
 * Each batch's observation event, then one stock event per item a run of batches moved (its level after
 * all of them), written with one INSERT and one notify (appendMany), and the stock levels read once per
 * location for the whole run: a 34-slot heartbeat was 70 round trips when each event was its own, and a
 * run of small messages was a few round trips a message when each batch read its own levels.
 * Returns the levels by venue, for the alert engine.
 */
async function publishLive(
  repositories: Repos,
  run: readonly { device: ObservingDevice; fresh: StoredObservation[] }[],
): Promise<{ orgId: string; venueId: string; levels: PresentedStock[] }[]> {
  const events: NewLiveEvent[] = [];
  // by organisation and location: the items moved, and the venue of the device that saw them
  const moved = new Map<string, { orgId: string; venueId: string; locationId: string; items: Set<string> }>();
  for (const { device, fresh } of run) {
    if (!fresh.length) continue;
    events.push({
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
    });
    for (const o of fresh) {
      if (!o.trusted || !o.itemId || !o.locationId) continue;
      const key = `${device.orgId} ${o.locationId}`;
      const m = moved.get(key) ?? { orgId: device.orgId, venueId: device.venueId, locationId: o.locationId, items: new Set<string>() };
      m.items.add(o.itemId);
      moved.set(key, m);
    }
  }
  // every location's levels with one query an organisation (a query a location was most of a fleet's run)
  const wanted = new Map<string, Map<string, string[]>>();
  for (const m of moved.values()) {
    const org = wanted.get(m.orgId) ?? new Map<string, string[]>();
    org.set(m.locationId, [...m.items]);
    wanted.set(m.orgId, org);
  }
  const read = new Map<string, Map<string, StockLevel[]>>();
  for (const [orgId, at] of wanted) read.set(orgId, await repositories.stockMany.levelsAt(orgId, at));
  const byVenue = new Map<string, { orgId: string; venueId: string; levels: PresentedStock[] }>();
  for (const m of moved.values()) {
    const v = byVenue.get(`${m.orgId} ${m.venueId}`) ?? { orgId: m.orgId, venueId: m.venueId, levels: [] };
    byVenue.set(`${m.orgId} ${m.venueId}`, v);
    for (const level of read.get(m.orgId)!.get(m.locationId) ?? []) {
      const p = present(level);
      v.levels.push(p);
      events.push({ orgId: m.orgId, venueId: m.venueId, type: 'stock', data: p });
    }
  }
  await repositories.live.appendMany(events);
  return [...byVenue.values()];
}
