import type { Queryable } from '../db/types.js';

/** The names an alert's text needs, read from the core's catalogue tables. */
export interface AlertContext {
  venueName: string;
  timezone: string;
  locationName?: string | undefined;
  itemName?: string | undefined;
  bottleSizeMl?: number | undefined;
  unit?: string | undefined;
  supplier?: string | undefined;
  deviceName?: string | undefined;
  /** the item's par level at the location, for the log line a reader checks the alert against */
  parLevel?: number | undefined;
}

/** An alert context as the statements below select it (numeric comes back from pg as a string). */
interface ContextRow {
  venueName: string;
  timezone: string;
  locationName: string | null;
  itemName: string | null;
  bottleSizeMl: number | null;
  unit: string | null;
  supplier: string | null;
  deviceName?: string | null;
  parLevel: string | null;
}

function contextOf(row: ContextRow): AlertContext {
  return {
    venueName: row.venueName,
    timezone: row.timezone,
    locationName: row.locationName ?? undefined,
    itemName: row.itemName ?? undefined,
    bottleSizeMl: row.bottleSizeMl ?? undefined,
    unit: row.unit ?? undefined,
    supplier: row.supplier ?? undefined,
    deviceName: row.deviceName ?? undefined,
    parLevel: row.parLevel === null ? undefined : Number(row.parLevel),
  };
}

export class AlertContextRepository {
  constructor(private readonly db: Queryable) {}

  async describe(
    orgId: string,
    s: {
      venueId: string;
      itemId?: string | null | undefined;
      locationId?: string | null | undefined;
      deviceId?: string | null | undefined;
    },
  ): Promise<AlertContext> {
    const { rows } = await this.db.query<ContextRow>(
      `SELECT v.name AS "venueName", v.timezone, l.name AS "locationName", i.name AS "itemName",
              i.bottle_size_ml AS "bottleSizeMl", i.unit, i.supplier, d.name AS "deviceName",
              il.par_level AS "parLevel"
       FROM venues v
       LEFT JOIN locations l ON l.org_id = v.org_id AND l.id = $3
       LEFT JOIN items i ON i.org_id = v.org_id AND i.id = $4
       LEFT JOIN devices d ON d.org_id = v.org_id AND d.id = $5
       LEFT JOIN item_locations il ON il.org_id = v.org_id AND il.item_id = i.id AND il.location_id = l.id
       WHERE v.org_id = $1 AND v.id = $2`,
      [orgId, s.venueId, s.locationId ?? null, s.itemId ?? null, s.deviceId ?? null],
    );
    const row = rows[0];
    if (!row) return { venueName: 'Unknown venue', timezone: 'UTC' };
    return contextOf(row);
  }

  /**
   * describe() for many item-locations of one organisation with one statement, keyed
   * `venueId itemId locationId` (a chunk's raised stock alerts); a venue not found is left out.
   */
  async describeStock(
    orgId: string,
    subjects: readonly { venueId: string; itemId: string; locationId: string }[],
  ): Promise<Map<string, AlertContext>> {
    if (!subjects.length) return new Map();
    const { rows } = await this.db.query<ContextRow & { key: string }>(
      `SELECT x.v || ' ' || x.i || ' ' || x.l AS key, v.name AS "venueName", v.timezone, l.name AS "locationName",
              i.name AS "itemName", i.bottle_size_ml AS "bottleSizeMl", i.unit, i.supplier, il.par_level AS "parLevel"
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) AS x(v, i, l)
       JOIN venues v ON v.org_id = $1 AND v.id = x.v
       LEFT JOIN locations l ON l.org_id = $1 AND l.id = x.l
       LEFT JOIN items i ON i.org_id = $1 AND i.id = x.i
       LEFT JOIN item_locations il ON il.org_id = $1 AND il.item_id = x.i AND il.location_id = x.l`,
      [orgId, subjects.map((s) => s.venueId), subjects.map((s) => s.itemId), subjects.map((s) => s.locationId)],
    );
    return new Map(rows.map((row) => [row.key, contextOf(row)]));
  }

  /** Whose a device is, for its status readings. */
  async deviceOwner(deviceId: string): Promise<{ orgId: string; venueId: string } | undefined> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string }>(
      'SELECT org_id AS "orgId", venue_id AS "venueId" FROM devices WHERE id = $1',
      [deviceId],
    );
    return rows[0];
  }

  /** Where each of a device's cameras points. */
  async cameraLocations(deviceId: string): Promise<{ id: string; locationId: string }[]> {
    const { rows } = await this.db.query<{ id: string; locationId: string }>(
      'SELECT id, location_id AS "locationId" FROM cameras WHERE device_id = $1',
      [deviceId],
    );
    return rows;
  }
}
