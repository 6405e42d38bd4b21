import type { Queryable } from '../db/types.js';

export interface JobOwner {
  id: string;
  name: string;
}

/** Whose job is whose: the queue's own tables know nothing of organisations. */
export class JobsRepository {
  constructor(private readonly db: Queryable) {}

  /** The job queue's own schema; its name is ours (not user input). */
  async ensureSchema(name: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a schema name: ${name}`);
    await this.db.exec(`CREATE SCHEMA IF NOT EXISTS ${name}`);
  }

  async add(orgId: string, id: string, name: string): Promise<void> {
    await this.db.query('INSERT INTO jobs (id, org_id, name) VALUES ($1, $2, $3)', [id, orgId, name]);
  }

  /**
   * Starts a job no worker has started, as the queue's own fetch does (pg-boss 10's fetchNextJob:
   * state active, started now); undefined when a worker has it already, or it is gone. Its commit
   * does not wait for the disk (synchronous_commit off for this statement's own transaction): a
   * claim lost in a crash leaves the job queued, and a worker runs it once it is due.
   */
  async claim(schema: string, name: string, id: string): Promise<{ data: unknown; retryCount: number } | undefined> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    const { rows } = await this.db.query<{ data: unknown; retryCount: number }>(
      `UPDATE ${schema}.job SET state = 'active', started_on = now()
       WHERE name = $1 AND id = $2 AND state = 'created' AND set_config('synchronous_commit', 'off', true) = 'off'
       RETURNING data, retry_count AS "retryCount"`,
      [name, id],
    );
    return rows[0];
  }

  async get(orgId: string, id: string): Promise<JobOwner | undefined> {
    const { rows } = await this.db.query<JobOwner>('SELECT id, name FROM jobs WHERE org_id = $1 AND id = $2', [orgId, id]);
    return rows[0];
  }

  /** Forgets jobs the queue no longer keeps. */
  async forget(olderThanDays: number): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM jobs WHERE created_at < now() - make_interval(days => $1)', [olderThanDays]);
    return rowCount;
  }

  /** The schema the cloud's own tables live in: the queue's schema is named after it, so test schemas never share a queue. */
  async currentSchema(): Promise<string> {
    const { rows } = await this.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    return rows[0]!.schema;
  }
}
