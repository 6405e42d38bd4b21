import type { Queryable } from '../db/types.js';

export interface DeadLetter {
  id: number;
  topic: string;
  deviceId: string | null;
  orgId: string | null;
  reason: string;
  payload: Uint8Array;
  receivedAt: Date;
}

/** What ingestion could not accept, byte for byte, with the reason. */
export class DeadLetterRepository {
  constructor(private readonly db: Queryable) {}

  async insert(d: { topic: string; deviceId: string | null; orgId: string | null; reason: string; payload: Uint8Array }): Promise<void> {
    await this.db.query('INSERT INTO dead_letters (topic, device_id, org_id, reason, payload) VALUES ($1, $2, $3, $4, $5)', [
      printable(d.topic).slice(0, 512),
      d.deviceId,
      d.orgId,
      printable(d.reason).slice(0, 2000),
      Buffer.from(d.payload.buffer, d.payload.byteOffset, d.payload.byteLength),
    ]);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    return rows[0]!.n;
  }

  async list(orgId: string | null, limit = 100): Promise<DeadLetter[]> {
    const { rows } = await this.db.query<DeadLetter>(
      `SELECT id, topic, device_id AS "deviceId", org_id AS "orgId", reason, payload, received_at AS "receivedAt"
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
