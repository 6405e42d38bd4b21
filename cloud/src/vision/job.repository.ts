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

/**
 * vision_jobs, org-scoped: a shelf photo sent for counting, kept in the database until its
 * job has counted it, so any instance can run the job. The job's state is the job queue's.
 */
export class VisionJobRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, userId: string | null, slots: JobSlot[], photo: Buffer | null = null, id?: string): Promise<VisionJob> {
    const { rows } = await this.db.query<VisionJob>(
      `INSERT INTO vision_jobs (id, org_id, user_id, slots, photo) VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5)
       RETURNING id, created_at AS "createdAt"`,
      [id ?? null, orgId, userId, JSON.stringify(slots), photo],
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

  async photo(orgId: string, id: string): Promise<Buffer | undefined> {
    const { rows } = await this.db.query<{ photo: Uint8Array | null }>('SELECT photo FROM vision_jobs WHERE org_id = $1 AND id = $2', [
      orgId,
      id,
    ]);
    const p = rows[0]?.photo;
    return p ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : undefined;
  }

  /** Once counted, or given up on, the photo is not kept. */
  async dropPhoto(orgId: string, id: string): Promise<void> {
    await this.db.query('UPDATE vision_jobs SET photo = NULL WHERE org_id = $1 AND id = $2', [orgId, id]);
  }
}
