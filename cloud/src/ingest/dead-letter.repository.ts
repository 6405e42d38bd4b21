import { createHash } from 'node:crypto';
import type { Queryable } from '../db/types.js';

/** How much of a rejected payload is kept: enough to read why it failed, never a flood's whole body. */
export const DEAD_LETTER_KEEP_BYTES = 16 * 1024;

export interface DeadLetter {
  id: number;
  topic: string;
  deviceId: string | null;
  orgId: string | null;
  reason: string;
  /** the first DEAD_LETTER_KEEP_BYTES of it */
  payload: Uint8Array;
  sizeBytes: number;
  sha256: string;
  receivedAt: Date;
}

export interface DeadLetterFilter {
  deviceId?: string | undefined;
  /** text the reason contains, any case */
  reason?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** an id: only older ones (the cursor) */
  before?: number | undefined;
  limit: number;
  /** how much of each payload to read back */
  payloadBytes: number;
}

/** What ingestion could not accept, byte for byte, with the reason. */
export class DeadLetterRepository {
  constructor(private readonly db: Queryable) {}

  /** orgId null: the device's organisation, when the device is known */
  async insert(d: { topic: string; deviceId: string | null; orgId: string | null; reason: string; payload: Uint8Array }): Promise<void> {
    const bytes = Buffer.from(d.payload.buffer, d.payload.byteOffset, d.payload.byteLength);
    await this.db.query(
      `INSERT INTO dead_letters (topic, device_id, org_id, reason, payload, size_bytes, sha256)
       VALUES ($1, $2, COALESCE($3::uuid, (SELECT org_id FROM devices WHERE id = $2)), $4, $5, $6, $7)`,
      [
        printable(d.topic).slice(0, 512),
        d.deviceId,
        d.orgId,
        printable(d.reason).slice(0, 2000),
        bytes.subarray(0, DEAD_LETTER_KEEP_BYTES),
        bytes.byteLength,
        createHash('sha256').update(bytes).digest('hex'),
      ],
    );
  }

  /** Deletes dead letters received more than `days` ago; returns how many. */
  async pruneOlderThan(days: number): Promise<number> {
    const r = await this.db.query('DELETE FROM dead_letters WHERE received_at < now() - make_interval(days => $1)', [days]);
    return r.rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    return rows[0]!.n;
  }

  /** One organisation's dead letters, newest first; rows with no organisation never match. */
  async search(orgId: string, f: DeadLetterFilter): Promise<DeadLetter[]> {
    const { rows } = await this.db.query<DeadLetter>(
      `SELECT id::float8 AS id, topic, device_id AS "deviceId", org_id AS "orgId", reason,
              substring(payload FROM 1 FOR $8) AS payload, size_bytes::float8 AS "sizeBytes", sha256, received_at AS "receivedAt"
       FROM dead_letters
       WHERE org_id = $1 AND ($2::text IS NULL OR device_id = $2)
         AND ($3::text IS NULL OR strpos(lower(reason), lower($3)) > 0)
         AND ($4::timestamptz IS NULL OR received_at >= $4) AND ($5::timestamptz IS NULL OR received_at < $5)
         AND ($6::bigint IS NULL OR id < $6)
       ORDER BY id DESC LIMIT $7`,
      [orgId, f.deviceId ?? null, f.reason ?? null, f.from ?? null, f.to ?? null, f.before ?? null, f.limit, f.payloadBytes],
    );
    return rows;
  }

  async list(orgId: string | null, limit = 100): Promise<DeadLetter[]> {
    const { rows } = await this.db.query<DeadLetter>(
      `SELECT id, topic, device_id AS "deviceId", org_id AS "orgId", reason, payload, size_bytes::float8 AS "sizeBytes", sha256, received_at AS "receivedAt"
       FROM dead_letters WHERE ($1::uuid IS NULL OR org_id = $1) ORDER BY id DESC LIMIT $2`,
      [orgId, limit],
    );
    return rows;
  }
}

/** PostgreSQL text cannot hold NUL, and a reason quoting a hostile payload should not carry control characters either. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
