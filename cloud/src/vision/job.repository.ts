import type { Queryable } from '../db/types.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';
export interface VisionJob {
  id: string;
  status: JobStatus;
  result: unknown;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
export interface JobSlot {
  id: string;
  itemId: string | null;
  name: string | null;
  polygon: [number, number][];
}

const COLUMNS = `id, status, result, error, created_at AS "createdAt", finished_at AS "finishedAt"`;

/** vision_jobs, org-scoped: a job is found only with the org it was created in. */
export class VisionJobRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, userId: string | null, slots: JobSlot[]): Promise<VisionJob> {
    const { rows } = await this.db.query<VisionJob>(
      `INSERT INTO vision_jobs (org_id, user_id, status, slots) VALUES ($1, $2, 'queued', $3) RETURNING ${COLUMNS}`,
      [orgId, userId, JSON.stringify(slots)],
    );
    return rows[0]!;
  }

  async get(orgId: string, id: string): Promise<VisionJob | undefined> {
    const { rows } = await this.db.query<VisionJob>(`SELECT ${COLUMNS} FROM vision_jobs WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async running(id: string): Promise<void> {
    await this.db.query(`UPDATE vision_jobs SET status = 'running' WHERE id = $1 AND status = 'queued'`, [id]);
  }

  async finish(id: string, outcome: { result: unknown } | { error: string }): Promise<void> {
    await this.db.query(`UPDATE vision_jobs SET status = $2, result = $3, error = $4, finished_at = now() WHERE id = $1`, [
      id,
      'result' in outcome ? 'done' : 'failed',
      'result' in outcome ? JSON.stringify(outcome.result) : null,
      'error' in outcome ? outcome.error : null,
    ]);
  }

  /** Jobs an instance was working on when it died never finish by themselves. */
  async failAbandoned(olderThanSeconds: number): Promise<number> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE vision_jobs SET status = 'failed', error = 'the instance analysing it stopped; send the photo again', finished_at = now()
       WHERE status IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1) RETURNING id`,
      [olderThanSeconds],
    );
    return rows.length;
  }
}
