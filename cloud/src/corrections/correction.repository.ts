import type { Queryable } from '../db/types.js';

/** What the model answered for a slot at one instant (an observation, or the slot's latest). */
export interface ModelAnswer {
  observationId: string;
  observedAt: Date;
  count: number;
  fills: (number | null)[];
  units: number;
  confidence: number;
  trusted: boolean;
  /** the models that made the reading; null for readings from before they were recorded */
  modelVersions: Record<string, string> | null;
}

/** A configured slot with everything a correction copies from it. */
export interface CorrectableSlot {
  deviceId: string;
  cameraId: string;
  slotId: string;
  itemId: string | null;
  polygon: [number, number][];
  locationId: string;
  venueId: string;
  deviceOnline: boolean;
}

export interface NewCorrection {
  slot: CorrectableSlot;
  model: ModelAnswer | null;
  trueCount: number;
  trueFills: number[] | null;
  note: string | null;
  userId: string;
  /** key: the crop is in object storage; null: the store was down, so its bytes wait here for the mover */
  crop: { jpeg: Buffer; width: number; height: number; frameAt: Date; key: string | null } | null;
  cropMissing: string | null;
}

/** Where a correction's crop is: in object storage, or (from before it, or the store was down) still in its row. */
export type StoredCrop = { key: string } | { jpeg: Buffer };

export interface Correction {
  id: string;
  venueId: string;
  locationId: string;
  deviceId: string;
  cameraId: string;
  slotId: string;
  itemId: string | null;
  observationId: string | null;
  observedAt: Date | null;
  modelCount: number | null;
  modelFills: (number | null)[] | null;
  modelConfidence: number | null;
  modelVersions: Record<string, string> | null;
  trueCount: number;
  trueFills: number[] | null;
  note: string | null;
  userId: string | null;
  transactionId: string | null;
  crop: { width: number; height: number; bytes: number } | null;
  cropMissing: string | null;
  frameAt: Date | null;
  createdAt: Date;
}
export type CorrectionWithCrop = Correction & { polygon: [number, number][]; cropJpeg: Buffer | null };
type ExportRow = Correction & { polygon: [number, number][]; stored: StoredCrop | null };

const COLS = `c.id, c.venue_id AS "venueId", c.location_id AS "locationId", c.device_id AS "deviceId", c.camera_id AS "cameraId",
  c.slot_id AS "slotId", c.item_id AS "itemId", c.observation_id AS "observationId", c.observed_at AS "observedAt",
  c.model_count AS "modelCount", c.model_fills AS "modelFills", c.model_confidence AS "modelConfidence",
  c.model_versions AS "modelVersions", c.true_count AS "trueCount", c.true_fills AS "trueFills", c.note, c.user_id AS "userId",
  c.transaction_id AS "transactionId",
  c.crop_width AS "cropWidth", c.crop_height AS "cropHeight", COALESCE(c.crop_bytes, octet_length(c.crop_jpeg)) AS "cropBytes",
  c.crop_missing AS "cropMissing", c.frame_at AS "frameAt", c.created_at AS "createdAt"`;

type Row = Omit<Correction, 'crop'> & { cropWidth: number | null; cropHeight: number | null; cropBytes: number | null };
const present = ({ cropWidth, cropHeight, cropBytes, ...r }: Row): Correction => ({
  ...r,
  crop: cropBytes === null ? null : { width: cropWidth!, height: cropHeight!, bytes: Number(cropBytes) },
});

export interface CorrectionFilter {
  deviceId?: string | undefined;
  cameraId?: string | undefined;
  since?: Date | undefined;
  /** keyset: rows strictly older than this (created_at, id) */
  before?: { at: Date; id: string } | undefined;
  limit: number;
}
const FILTER = `c.org_id = $1 AND ($2::text IS NULL OR c.device_id = $2) AND ($3::text IS NULL OR c.camera_id = $3)
  AND ($4::timestamptz IS NULL OR c.created_at >= $4)
  AND ($5::timestamptz IS NULL OR (c.created_at, c.id) < ($5::timestamptz, $6::uuid))`;
const filterArgs = (orgId: string, f: CorrectionFilter) => [
  orgId,
  f.deviceId ?? null,
  f.cameraId ?? null,
  f.since ?? null,
  f.before?.at ?? null,
  f.before?.id ?? null,
  f.limit,
];

/** Slot corrections, every query scoped by the caller's organisation. */
export class CorrectionRepository {
  constructor(private readonly db: Queryable) {}

  async slot(orgId: string, deviceId: string, cameraId: string, slotId: string): Promise<CorrectableSlot | undefined> {
    const { rows } = await this.db.query<CorrectableSlot>(
      `SELECT s.device_id AS "deviceId", s.camera_id AS "cameraId", s.id AS "slotId", s.item_id AS "itemId", s.polygon,
              c.location_id AS "locationId", d.venue_id AS "venueId", d.online AS "deviceOnline"
       FROM slots s JOIN cameras c ON c.device_id = s.device_id AND c.id = s.camera_id
       JOIN devices d ON d.id = s.device_id
       WHERE s.org_id = $1 AND d.org_id = $1 AND s.device_id = $2 AND s.camera_id = $3 AND s.id = $4`,
      [orgId, deviceId, cameraId, slotId],
    );
    return rows[0];
  }

  /**
   * The slot's latest observation, or the one with this id when it is the slot's. The latest may be a
   * heartbeat folded into the slot's reading (migration 291), the one the dashboard shows: its reading
   * is its slot's (it folded only being the same), with the models of the row that stored that reading.
   */
  async latestAnswer(orgId: string, s: CorrectableSlot, id?: string) {
    const { rows } = await this.db.query<ModelAnswer>(
      `SELECT * FROM (
         (SELECT id AS "observationId", at AS "observedAt", count, fills, units::float8 AS units, confidence, trusted,
                 model_versions AS "modelVersions"
          FROM observations
          WHERE org_id = $1 AND device_id = $2 AND camera_id = $3 AND slot_id = $4
            AND ($5::uuid IS NULL OR id = $5)
          ORDER BY at DESC LIMIT 1)
         UNION ALL
         SELECT r.seen_id, r.at, r.count, r.fills, r.units::float8, r.confidence, true,
                (SELECT o.model_versions FROM observations o
                 WHERE o.device_id = r.device_id AND o.camera_id = r.camera_id AND o.slot_id = r.slot_id AND o.at = r.stored_at LIMIT 1)
         FROM slot_readings r
         WHERE r.org_id = $1 AND r.device_id = $2 AND r.camera_id = $3 AND r.slot_id = $4 AND r.seen_id IS NOT NULL
           AND ($5::uuid IS NULL OR r.seen_id = $5)
       ) answer ORDER BY "observedAt" DESC LIMIT 1`,
      [orgId, s.deviceId, s.cameraId, s.slotId, id ?? null],
    );
    return rows[0];
  }

  /**
   * What the slot adds to the stock level now: its latest trusted reading plus the
   * stock moves of corrections made on it since, so a second correction before the
   * camera's next reading replaces the first instead of adding to it. The latest reading
   * is the slot's row of slot_readings, as for the stock level (a folded heartbeat moves
   * its time, not the observations table).
   */
  async unitsNow(orgId: string, s: CorrectableSlot): Promise<number> {
    const { rows } = await this.db.query<{ units: number }>(
      `WITH lo AS (
         SELECT units, at FROM slot_readings
         WHERE org_id = $1 AND device_id = $2 AND camera_id = $3 AND slot_id = $4
       )
       SELECT (COALESCE((SELECT units FROM lo), 0) + COALESCE((
         SELECT sum(t.quantity) FROM slot_corrections c JOIN transactions t ON t.org_id = c.org_id AND t.id = c.transaction_id
         WHERE c.org_id = $1 AND c.device_id = $2 AND c.camera_id = $3 AND c.slot_id = $4
           AND t.at > COALESCE((SELECT at FROM lo), '-infinity')), 0))::float8 AS units`,
      [orgId, s.deviceId, s.cameraId, s.slotId],
    );
    return rows[0]!.units;
  }

  async insert(orgId: string, id: string, c: NewCorrection): Promise<Correction> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO slot_corrections (org_id, venue_id, location_id, device_id, camera_id, slot_id, item_id, polygon,
         observation_id, observed_at, model_count, model_fills, model_confidence, true_count, true_fills, note, user_id,
         crop_jpeg, crop_width, crop_height, crop_missing, frame_at, crop_key, crop_bytes, id, model_versions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
         $26)
       RETURNING id`,
      [
        orgId,
        c.slot.venueId,
        c.slot.locationId,
        c.slot.deviceId,
        c.slot.cameraId,
        c.slot.slotId,
        c.slot.itemId,
        JSON.stringify(c.slot.polygon),
        c.model?.observationId ?? null,
        c.model?.observedAt ?? null,
        c.model?.count ?? null,
        c.model ? JSON.stringify(c.model.fills) : null,
        c.model?.confidence ?? null,
        c.trueCount,
        c.trueFills ? JSON.stringify(c.trueFills) : null,
        c.note,
        c.userId,
        c.crop && !c.crop.key ? c.crop.jpeg : null,
        c.crop?.width ?? null,
        c.crop?.height ?? null,
        c.cropMissing,
        c.crop?.frameAt ?? null,
        c.crop?.key ?? null,
        c.crop?.key ? c.crop.jpeg.length : null,
        id,
        c.model?.modelVersions ? JSON.stringify(c.model.modelVersions) : null,
      ],
    );
    return (await this.get(orgId, rows[0]!.id))!;
  }

  async setTransaction(orgId: string, id: string, transactionId: string): Promise<void> {
    await this.db.query('UPDATE slot_corrections SET transaction_id = $3 WHERE org_id = $1 AND id = $2', [orgId, id, transactionId]);
  }

  async get(orgId: string, id: string): Promise<Correction | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT ${COLS} FROM slot_corrections c WHERE c.org_id = $1 AND c.id = $2`, [orgId, id]);
    return rows[0] && present(rows[0]);
  }

  /** Newest first. */
  async list(orgId: string, f: CorrectionFilter): Promise<Correction[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLS} FROM slot_corrections c WHERE ${FILTER} ORDER BY c.created_at DESC, c.id DESC LIMIT $7`,
      filterArgs(orgId, f),
    );
    return rows.map(present);
  }

  /** undefined: no such correction; null: it has no crop */
  async crop(orgId: string, id: string): Promise<StoredCrop | null | undefined> {
    const { rows } = await this.db.query<{ jpeg: Uint8Array | null; key: string | null }>(
      'SELECT crop_jpeg AS jpeg, crop_key AS key FROM slot_corrections WHERE org_id = $1 AND id = $2',
      [orgId, id],
    );
    return rows[0] && stored(rows[0]);
  }

  /** A page of the export, polygons included, with where each crop is. */
  async exportPage(orgId: string, f: CorrectionFilter): Promise<ExportRow[]> {
    const { rows } = await this.db.query<Row & { polygon: [number, number][]; jpeg: Uint8Array | null; key: string | null }>(
      `SELECT ${COLS}, c.polygon, c.crop_jpeg AS jpeg, c.crop_key AS key FROM slot_corrections c WHERE ${FILTER}
       ORDER BY c.created_at DESC, c.id DESC LIMIT $7`,
      filterArgs(orgId, f),
    );
    return rows.map(({ polygon, jpeg, key, ...r }) => ({ ...present(r), polygon, stored: stored({ jpeg, key }) }));
  }

  /** Crops still held in rows, oldest first, of every organisation: the mover's work (a system task, not a caller's read). */
  async unmovedCrops(limit: number): Promise<{ orgId: string; id: string; jpeg: Buffer }[]> {
    const { rows } = await this.db.query<{ orgId: string; id: string; jpeg: Uint8Array }>(
      `SELECT org_id AS "orgId", id, crop_jpeg AS jpeg FROM slot_corrections WHERE crop_jpeg IS NOT NULL
       ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ ...row, jpeg: Buffer.from(row.jpeg) }));
  }

  /** The crop is in the store under key now: the row names it and lets go of the bytes. False: the row changed meanwhile. */
  async cropMoved(orgId: string, id: string, key: string, bytes: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE slot_corrections SET crop_key = $3, crop_bytes = $4, crop_jpeg = NULL
       WHERE org_id = $1 AND id = $2 AND crop_jpeg IS NOT NULL`,
      [orgId, id, key, bytes],
    );
    return rowCount > 0;
  }
}

const stored = (row: { jpeg: Uint8Array | null; key: string | null }): StoredCrop | null =>
  row.key ? { key: row.key } : row.jpeg ? { jpeg: Buffer.from(row.jpeg) } : null;
