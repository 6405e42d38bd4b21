import type { Queryable } from '../db/types.js';

export interface JobSlot {
  id: string;
  itemId: string | null;
  name: string | null;
  polygon: [number, number][];
}
export interface VisionJob {
  id: string;
  createdAt: string;
}

/** Where a job's photo waits: its blob key, or (a job sent before object storage) its bytes. */
export type StoredPhoto = { key: string } | { bytes: Buffer };

/**
 * vision_jobs, org-scoped: a shelf photo sent for counting, its key in object storage kept until
 * its job has counted it, so any instance can run the job. The job's state is the job queue's.
 */
export class VisionJobRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, userId: string | null, slots: JobSlot[], photoKey: string | null = null, id?: string): Promise<VisionJob> {
    const { rows } = await this.db.query<VisionJob>(
      `INSERT INTO vision_jobs (id, org_id, user_id, slots, photo_key) VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5)
       RETURNING id, created_at AS "createdAt"`,
      [id ?? null, orgId, userId, JSON.stringify(slots), photoKey],
    );
    return rows[0]!;
  }

  async get(orgId: string, id: string): Promise<VisionJob | undefined> {
    const { rows } = await this.db.query<VisionJob>(`SELECT id, created_at AS "createdAt" FROM vision_jobs WHERE org_id = $1 AND id = $2`, [
      orgId,
      id,
    ]);
    return rows[0];
  }

  async photo(orgId: string, id: string): Promise<StoredPhoto | undefined> {
    const { rows } = await this.db.query<{ key: string | null; photo: Uint8Array | null }>(
      'SELECT photo_key AS key, photo FROM vision_jobs WHERE org_id = $1 AND id = $2',
      [orgId, id],
    );
    const row = rows[0];
    if (row?.key) return { key: row.key };
    return row?.photo ? { bytes: Buffer.from(row.photo.buffer, row.photo.byteOffset, row.photo.byteLength) } : undefined;
  }

  /** Once counted, or given up on, the photo is not kept: answers its blob key, for the caller to delete. */
  async dropPhoto(orgId: string, id: string): Promise<string | null> {
    const { rows } = await this.db.query<{ key: string | null }>(
      `UPDATE vision_jobs v SET photo = NULL, photo_key = NULL FROM vision_jobs old
       WHERE v.org_id = $1 AND v.id = $2 AND old.id = v.id RETURNING old.photo_key AS key`,
      [orgId, id],
    );
    return rows[0]?.key ?? null;
  }
}
