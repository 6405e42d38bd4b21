import type { Queryable } from '../db/types.js';

export interface Device {
  id: string;
  orgId: string;
  venueId: string;
  name: string;
  certFingerprint: string | null;
  revokedAt: Date | null;
  online: boolean;
  lastSeenAt: Date | null;
  health: Record<string, unknown> | null;
  configRevision: number;
  configAckedRevision: number;
  configError: string | null;
}
export interface Slot {
  id: string;
  itemId: string | null;
  name?: string | null | undefined;
  polygon: [number, number][];
}
export interface Camera {
  id: string;
  locationId: string;
  name?: string | null | undefined;
  url: string;
  transport: 'tcp' | 'udp' | 'auto';
  sampleEverySeconds: number;
  enabled: boolean;
  slots: Slot[];
}

const COLS = `id, org_id AS "orgId", venue_id AS "venueId", name, cert_fingerprint AS "certFingerprint", revoked_at AS "revokedAt",
  online, last_seen_at AS "lastSeenAt", health, config_revision AS "configRevision",
  config_acked_revision AS "configAckedRevision", config_error AS "configError"`;

/** Devices, their cameras and slots. Ingest reads a device by id alone (the broker vouched for it); everything else is org-scoped. */
export class DeviceRepository {
  constructor(private readonly db: Queryable) {}

  async create(
    orgId: string,
    d: { id: string; venueId: string; name: string; certFingerprint?: string | null | undefined },
  ): Promise<Device> {
    const { rows } = await this.db.query<Device>(
      `INSERT INTO devices (id, org_id, venue_id, name, cert_fingerprint) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`,
      [d.id, orgId, d.venueId, d.name, d.certFingerprint ?? null],
    );
    return rows[0]!;
  }

  async get(orgId: string, id: string): Promise<Device | undefined> {
    const { rows } = await this.db.query<Device>(`SELECT ${COLS} FROM devices WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  /** Ingest only: the device whose certificate the broker checked. */
  async getForIngest(id: string): Promise<Device | undefined> {
    const { rows } = await this.db.query<Device>(`SELECT ${COLS} FROM devices WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Ingest only: several at once (a run of messages), by id; an unknown id is absent. */
  async getForIngestMany(ids: string[]): Promise<Map<string, Device>> {
    const { rows } = await this.db.query<Device>(`SELECT ${COLS} FROM devices WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((device) => [device.id, device]));
  }

  async list(orgId: string, venueId?: string): Promise<Device[]> {
    const { rows } = await this.db.query<Device>(
      `SELECT ${COLS} FROM devices WHERE org_id = $1 AND ($2::uuid IS NULL OR venue_id = $2) ORDER BY name, id`,
      [orgId, venueId ?? null],
    );
    return rows;
  }

  async revoke(orgId: string, id: string): Promise<Device | undefined> {
    const { rows } = await this.db.query<Device>(
      `UPDATE devices SET revoked_at = COALESCE(revoked_at, now()), online = false WHERE org_id = $1 AND id = $2 RETURNING ${COLS}`,
      [orgId, id],
    );
    return rows[0];
  }

  /**
   * Takes the device's next config revision, locking its row until the transaction ends, so two
   * writers of its cameras go one after the other. With `expected`, only when the revision is still
   * that one (re-checked after waiting for the other writer's lock); undefined when it is not.
   */
  async nextRevision(orgId: string, deviceId: string, expected?: number): Promise<number | undefined> {
    const { rows } = await this.db.query<{ revision: number }>(
      `UPDATE devices SET config_revision = config_revision + 1, config_error = NULL
       WHERE org_id = $1 AND id = $2 AND ($3::int IS NULL OR config_revision = $3)
       RETURNING config_revision AS revision`,
      [orgId, deviceId, expected ?? null],
    );
    return rows[0]?.revision;
  }

  /** Replaces every camera and slot of a device (its revision is taken first, by nextRevision). */
  async replaceCameras(orgId: string, deviceId: string, cameras: Camera[]): Promise<void> {
    await this.db.query('DELETE FROM cameras WHERE org_id = $1 AND device_id = $2', [orgId, deviceId]);
    for (const camera of cameras) {
      await this.db.query(
        `INSERT INTO cameras (org_id, device_id, id, location_id, name, url, transport, sample_every_seconds, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          orgId,
          deviceId,
          camera.id,
          camera.locationId,
          camera.name ?? null,
          camera.url,
          camera.transport,
          camera.sampleEverySeconds,
          camera.enabled,
        ],
      );
      for (const slot of camera.slots) {
        await this.db.query(
          `INSERT INTO slots (org_id, device_id, camera_id, id, item_id, name, polygon) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [orgId, deviceId, camera.id, slot.id, slot.itemId, slot.name ?? null, JSON.stringify(slot.polygon)],
        );
      }
    }
  }

  async cameras(orgId: string, deviceId: string): Promise<Camera[]> {
    const { rows: cams } = await this.db.query<Omit<Camera, 'slots'>>(
      `SELECT id, location_id AS "locationId", name, url, transport, sample_every_seconds AS "sampleEverySeconds", enabled
       FROM cameras WHERE org_id = $1 AND device_id = $2 ORDER BY id`,
      [orgId, deviceId],
    );
    const { rows: slots } = await this.db.query<Slot & { cameraId: string }>(
      `SELECT camera_id AS "cameraId", id, item_id AS "itemId", name, polygon FROM slots WHERE org_id = $1 AND device_id = $2 ORDER BY id`,
      [orgId, deviceId],
    );
    return cams.map((camera) => ({
      ...camera,
      slots: slots.filter((slot) => slot.cameraId === camera.id).map(({ cameraId: _cameraId, ...slot }) => slot),
    }));
  }

  async recordAck(deviceId: string, a: { revision: number; error: string | null }): Promise<Device | undefined> {
    const { rows } = await this.db.query<Device>(
      `UPDATE devices SET config_acked_revision = CASE WHEN $3::text IS NULL THEN GREATEST(config_acked_revision, $2) ELSE config_acked_revision END,
         config_error = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLS}`,
      [deviceId, a.revision, a.error],
    );
    return rows[0];
  }

  /**
   * Several devices' statuses with one statement (a fleet's statuses arrive together: a statement and a
   * transaction each held every message behind them). The ids must be distinct: one UPDATE changes a row
   * once. Returns the devices changed (known, not revoked), by id.
   */
  async recordStatusMany(
    statuses: readonly { deviceId: string; online: boolean; health: Record<string, unknown> | null }[],
  ): Promise<Map<string, Device>> {
    const { rows } = await this.db.query<Device>(
      `UPDATE devices SET online = x.is_online, last_seen_at = now(), health = COALESCE(x.reported, health)
       FROM unnest($1::text[], $2::bool[], $3::jsonb[]) AS x(device_id, is_online, reported)
       WHERE id = x.device_id AND revoked_at IS NULL RETURNING ${COLS}`,
      [
        statuses.map((s) => s.deviceId),
        statuses.map((s) => s.online),
        statuses.map((s) => (s.health === null ? null : JSON.stringify(s.health))),
      ],
    );
    return new Map(rows.map((device) => [device.id, device]));
  }
}
