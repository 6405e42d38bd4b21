import { TOPICS, type ConfigAck, type DesiredConfig, type DeviceStatus } from '@smartstock/protocol';
import type { Db, Queryable } from '../db/types.js';
import type { AlertFeed } from '../alerts/index.js';
import { auditLog } from '../audit/index.js';
import { itemRecords } from '../inventory/index.js';
import { liveEvents, type NewLiveEvent } from '../live/index.js';
import { venueRecords } from '../venues/index.js';
import type { Actor } from '../plugins/http.js';
import { blobKey, kindPrefix, type BlobStore } from '../blobs/index.js';
import type { Logger } from '@smartstock/runtime';
import { DeviceRepository, type Camera, type Device } from './device.repository.js';
import { AppError, notFound, pgCode, conflict, deviceIdTaken } from '../errors.js';

/** This module's repository, and what other modules lend it, over one connection or transaction. */
const repos = (q: Queryable) => ({
  devices: new DeviceRepository(q),
  venues: venueRecords(q),
  items: itemRecords(q),
  live: liveEvents(q),
  audit: auditLog(q),
});

/** The cloud's side of the MQTT link, as this module needs it: handed in at start-up (ingest's link implements it). */
export type SnapshotAnswer = { jpeg: Buffer } | { error: string };

export interface DeviceLink {
  publish(topic: string, payload: Buffer | string, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
  /** undefined: no answer in time; overlay false: no slot outlines or boxes drawn (training crops) */
  requestSnapshot(deviceId: string, cameraId: string, timeoutMs: number, o?: { overlay: boolean }): Promise<SnapshotAnswer | undefined>;
}

/** Devices, their cameras and slots, the desired config they are sent, and what they report back. */
export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly link: DeviceLink,
    private readonly alerts?: AlertFeed,
    /** the embedded broker: revocation ends the device's open connection at once */
    private readonly sessions?: { disconnect(deviceId: string): void },
    /** where snapshots asked for through the API are kept (blobs.retentionDays.snapshot) */
    private readonly blobs?: { store: BlobStore; log: Logger },
  ) {}

  async register(a: Actor, input: { id: string; venueId: string; name: string; certFingerprint?: string | undefined }): Promise<Device> {
    return this.db.transaction(async (tx) => {
      const repositories = repos(tx);
      if (!(await repositories.venues.getVenue(a.orgId, input.venueId))) throw notFound('venue');
      // device ids are global (they are MQTT client ids): another organisation's is "taken", never whose
      const held = await repositories.devices.getForIngest(input.id);
      if (held) throw held.orgId === a.orgId ? conflict('your organisation already has a device with this id', 'id') : deviceIdTaken();
      const device = await repositories.devices.create(a.orgId, input).catch((e: unknown) => {
        if (pgCode(e) === '23505') throw deviceIdTaken();
        throw e;
      });
      await repositories.audit.record(a.orgId, { userId: a.userId, action: 'register', entity: 'device', entityId: input.id });
      return device;
    });
  }

  /** The device a message names, in whichever organisation: ingest checks it against the topic before any service sees the message. */
  forIngest(id: string): Promise<Device | undefined> {
    return new DeviceRepository(this.db).getForIngest(id);
  }

  /** forIngest for a run of messages: one query for all their devices. */
  forIngestMany(ids: string[]): Promise<Map<string, Device>> {
    return new DeviceRepository(this.db).getForIngestMany(ids);
  }

  list(orgId: string, venueId?: string) {
    return repos(this.db).devices.list(orgId, venueId);
  }

  async get(orgId: string, id: string) {
    const device = await repos(this.db).devices.get(orgId, id);
    if (!device) throw notFound('device');
    return { ...device, cameras: await repos(this.db).devices.cameras(orgId, id) };
  }

  async revoke(a: Actor, id: string) {
    const device = await repos(this.db).devices.revoke(a.orgId, id);
    if (!device) throw notFound('device');
    await repos(this.db).audit.record(a.orgId, { userId: a.userId, action: 'revoke', entity: 'device', entityId: id });
    this.sessions?.disconnect(id);
    return device;
  }

  /**
   * Saves cameras and slots, then publishes the retained desired config with the new revision; the device's ack is tracked by recordAck.
   * expectedRevision: the configRevision the writer read its cameras at; another write since is refused (409 stale_revision)
   * rather than overwritten. Left out (older clients), the last write wins as before.
   */
  async saveCameras(a: Actor, deviceId: string, cameras: Camera[], expectedRevision?: number) {
    const { config, device } = await this.db.transaction(async (tx) => {
      const repositories = repos(tx);
      const device = await repositories.devices.get(a.orgId, deviceId);
      if (!device) throw notFound('device');
      if (device.revokedAt) throw conflict('device is revoked');
      const skus = new Map<string, string>();
      for (const camera of cameras) {
        const loc = await repositories.venues.getLocation(a.orgId, camera.locationId);
        if (!loc || loc.venueId !== device.venueId)
          throw new AppError(404, 'not_found', `location ${camera.locationId} not found in the device's venue`, 'locationId');
        for (const slot of camera.slots) {
          if (!slot.itemId || skus.has(slot.itemId)) continue;
          const item = await repositories.items.get(a.orgId, slot.itemId);
          if (!item) throw new AppError(404, 'not_found', `item ${slot.itemId} not found`, 'itemId');
          skus.set(slot.itemId, item.sku);
        }
      }
      // the revision first: its row lock orders concurrent writers, and the second sees the first's revision
      const revision = await repositories.devices.nextRevision(a.orgId, deviceId, expectedRevision);
      if (revision === undefined) {
        const now = (await repositories.devices.get(a.orgId, deviceId))?.configRevision;
        throw staleRevision(expectedRevision!, now);
      }
      await repositories.devices.replaceCameras(a.orgId, deviceId, cameras);
      const config: DesiredConfig = {
        v: 1,
        deviceId,
        revision,
        issuedAt: new Date().toISOString(),
        cameras: cameras.map((camera) => ({
          id: camera.id,
          ...(camera.name ? { name: camera.name } : {}),
          url: camera.url,
          transport: camera.transport,
          sampleEverySeconds: camera.sampleEverySeconds,
          enabled: camera.enabled,
          slots: camera.slots.map((slot) => ({
            id: slot.id,
            sku: slot.itemId ? skus.get(slot.itemId)! : null,
            ...(slot.name ? { name: slot.name } : {}),
            polygon: slot.polygon,
          })),
        })),
      };
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: 'configure',
        entity: 'device',
        entityId: deviceId,
        detail: { revision },
      });
      return { config, device };
    });
    // published after commit: a device never sees a revision the database does not hold
    await this.link.publish(TOPICS.config(deviceId), JSON.stringify(config), { qos: 1, retain: true });
    return { ...device, configRevision: config.revision, cameras: await repos(this.db).devices.cameras(a.orgId, deviceId) };
  }

  async snapshot(orgId: string, deviceId: string, cameraId: string, timeoutMs: number, o?: { overlay: boolean }): Promise<Buffer> {
    const device = await repos(this.db).devices.get(orgId, deviceId);
    if (!device) throw notFound('device');
    const answer = await this.link.requestSnapshot(deviceId, cameraId, timeoutMs, o);
    if (!answer) throw new AppError(504, 'device_timeout', 'the device did not send a snapshot in time');
    if ('error' in answer) {
      // a camera that has not sent its first frame (just configured, agent just started) is a state
      // the manager waits out, not a fault: said plainly, with a code the dashboard waits on, not logged as a 5xx
      const waiting = notStreamingYet(device.health, cameraId);
      if (waiting) throw new AppError(409, 'no_frame_yet', waiting);
      // the device answered but could not take one: say why
      throw new AppError(502, 'device_error', `the device could not take a snapshot: ${answer.error}`);
    }
    return answer.jpeg;
  }

  /**
   * A snapshot asked for by a person, kept in object storage under the device and camera. The
   * picture is answered even when the store is down (a technician aiming a camera needs it now):
   * key is then undefined and the failure logged.
   */
  async takeSnapshot(orgId: string, deviceId: string, cameraId: string, timeoutMs: number): Promise<{ jpeg: Buffer; key?: string }> {
    const jpeg = await this.snapshot(orgId, deviceId, cameraId, timeoutMs);
    if (!this.blobs) return { jpeg };
    const key = blobKey(orgId, 'snapshot', [deviceId, cameraId], 'jpg');
    try {
      await this.blobs.store.put(key, jpeg, 'image/jpeg');
      return { jpeg, key };
    } catch (err) {
      this.blobs.log.warn({ err, deviceId, cameraId }, 'snapshot answered but not kept: object storage is unavailable');
      return { jpeg };
    }
  }

  /** Every kept snapshot of one camera (variance evidence); none without object storage. */
  async keptSnapshots(orgId: string, deviceId: string, cameraId: string): Promise<{ url: string; takenAt: Date }[]> {
    if (!this.blobs) return [];
    const found = [];
    for await (const b of this.blobs.store.list(`${kindPrefix(orgId, 'snapshot')}${deviceId}/${cameraId}/`))
      found.push({ url: `/api/v1/blobs/${b.key}`, takenAt: b.lastModified });
    return found;
  }

  /** The device's kept snapshots, newest first (those within their retention period). */
  async snapshots(orgId: string, deviceId: string, cameraId?: string, limit = 50) {
    if (!(await repos(this.db).devices.get(orgId, deviceId))) throw notFound('device');
    if (!this.blobs) return [];
    const ofDevice = `${kindPrefix(orgId, 'snapshot')}${deviceId}/`;
    const found = [];
    for await (const b of this.blobs.store.list(cameraId ? `${ofDevice}${cameraId}/` : ofDevice)) found.push(b);
    return found
      .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || b.key.localeCompare(a.key))
      .slice(0, limit)
      .map((b) => ({
        key: b.key,
        cameraId: b.key.slice(ofDevice.length).split('/')[0]!,
        url: `/api/v1/blobs/${b.key}`,
        bytes: b.size,
        takenAt: b.lastModified,
      }));
  }

  /** From ingest: the device's retained status or its last will. */
  async recordStatus(deviceId: string, s: DeviceStatus): Promise<boolean> {
    return (await this.recordStatusMany([{ deviceId, status: s }]))[0]!;
  }

  /**
   * Several statuses (ingest: a fleet's statuses arrive together) in one transaction, in the order
   * given: each device's row, and its live event with the row as that status left it. Returns, for
   * each, whether its device was known (and not revoked). The alert engine judges them after the
   * commit, off the acknowledgement's path: judging a status takes a few round trips
   * (alerts/device-health.ts), and awaited here it held every message behind it (a fleet's statuses,
   * every 60 s, came to seconds of it, issue #30).
   */
  async recordStatusMany(statuses: readonly { deviceId: string; status: DeviceStatus }[]): Promise<boolean[]> {
    const known = await this.db.transaction(async (tx) => {
      const repositories = repos(tx);
      const out: boolean[] = [];
      const events: NewLiveEvent[] = [];
      // one UPDATE changes a row once: a device's next status in the call starts the next statement
      for (let from = 0; from < statuses.length;) {
        const ids = new Set<string>();
        let end = from;
        while (end < statuses.length && !ids.has(statuses[end]!.deviceId)) ids.add(statuses[end++]!.deviceId);
        const run = statuses.slice(from, end);
        const changed = await repositories.devices.recordStatusMany(
          run.map(({ deviceId, status }) => ({ deviceId, online: status.state === 'online', health: healthOf(status) })),
        );
        for (const { deviceId } of run) {
          const device = changed.get(deviceId);
          out.push(!!device);
          if (device)
            events.push({
              orgId: device.orgId,
              venueId: device.venueId,
              type: 'device',
              data: { deviceId, online: device.online, lastSeenAt: device.lastSeenAt, health: device.health },
            });
        }
        from = end;
      }
      await repositories.live.appendMany(events);
      return out;
    });
    statuses.forEach(({ deviceId, status }, i) => known[i] && this.alerts?.deviceStatusAfterCommit(deviceId, status));
    return known;
  }

  async recordAck(deviceId: string, ack: ConfigAck): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const repositories = repos(tx);
      const device = await repositories.devices.recordAck(deviceId, {
        revision: ack.revision,
        error: ack.status === 'rejected' ? ack.error : null,
      });
      if (device)
        await repositories.live.append(device.orgId, device.venueId, 'device', {
          deviceId,
          configRevision: device.configRevision,
          configAckedRevision: device.configAckedRevision,
          configError: device.configError,
        });
      return !!device;
    });
  }
}

/** What a device's status leaves in its health column: an online status's report; null (kept as it was) for the will. */
function healthOf(s: DeviceStatus): Record<string, unknown> | null {
  if (s.state !== 'online') return null;
  return {
    cameras: s.cameras,
    agentVersion: s.agentVersion,
    uptimeS: s.uptimeS,
    inferenceMs: s.inferenceMs,
    models: s.models,
    outbox: s.outbox,
    configRevision: s.configRevision,
    at: s.at,
  };
}

/** 409 for a write of cameras read at an older revision: names both, so the writer knows to read them again. */
export function staleRevision(expected: number, now: number | undefined): AppError {
  return new AppError(
    409,
    'stale_revision',
    `the cameras changed since they were read: the device's config is at revision ${now ?? 'unknown'}, ` +
      `not ${expected}; read them again and redo the change`,
    'expectedRevision',
  );
}

/**
 * Why a camera has no picture to give yet, from the device's last status, when that status says it
 * has never had a frame (connecting, failed before its first); undefined when the status does not say so.
 */
export function notStreamingYet(health: Record<string, unknown> | null, cameraId: string): string | undefined {
  const cameras = (health?.cameras ?? []) as { id: string; state: string; lastFrameAt: string | null; reason?: string }[];
  const camera = cameras.find((reported) => reported.id === cameraId);
  if (!camera || camera.lastFrameAt || camera.state === 'streaming') return undefined;
  if (camera.state === 'failed') return `camera "${cameraId}" has sent no picture: it failed${camera.reason ? ` (${camera.reason})` : ''}`;
  return `camera "${cameraId}" has not sent its first picture yet: it is ${camera.state}`;
}
