import type { Db, Queryable } from '../db/types.js';

/** One monthly partition of observations, by its UTC month start. */
export interface ObservationPartition {
  name: string;
  from: Date;
  to: Date;
}

const DEFAULT_PARTITION = 'observations_default';
// one maintainer at a time across instances: a month created or rolled up twice would fail or double-count
const MAINTENANCE_LOCK = 727180;

/** Partition names carry their month, so maintenance needs no parsing of pg_catalog bound expressions. */
export function partitionName(month: Date): string {
  return `observations_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

function monthOf(name: string): Date | undefined {
  const m = /^observations_y(\d{4})m(\d{2})$/.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : undefined;
}

const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

// Rows of one source (a partition or the default one) before the cutoff, folded into their hour; an hour
// already rolled up (late rows that went to the default partition) merges rather than doubles.
const rollupSql = (source: string) => `
  INSERT INTO observation_hourly (org_id, device_id, camera_id, slot_id, item_id, hour, min_units, max_units, last_units, last_at, count)
  SELECT org_id, device_id, camera_id, slot_id, item_id, date_trunc('hour', at, 'UTC'), min(units), max(units),
         (array_agg(units ORDER BY at DESC))[1], max(at), count(*)::int
  FROM ${source} WHERE at < $1
  GROUP BY org_id, device_id, camera_id, slot_id, item_id, date_trunc('hour', at, 'UTC')
  ON CONFLICT ON CONSTRAINT observation_hourly_key DO UPDATE SET
    min_units = LEAST(observation_hourly.min_units, EXCLUDED.min_units),
    max_units = GREATEST(observation_hourly.max_units, EXCLUDED.max_units),
    last_units = CASE WHEN EXCLUDED.last_at >= observation_hourly.last_at THEN EXCLUDED.last_units ELSE observation_hourly.last_units END,
    last_at = GREATEST(observation_hourly.last_at, EXCLUDED.last_at),
    count = observation_hourly.count + EXCLUDED.count`;

/** The monthly partitions of observations and the hourly roll-up that outlives them. */
export class ObservationPartitionRepository {
  constructor(private readonly db: Db) {}

  async list(q: Queryable = this.db): Promise<ObservationPartition[]> {
    const { rows } = await q.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'observations'::regclass`,
    );
    return rows
      .map((r) => ({ name: r.name, from: monthOf(r.name) }))
      .filter((p): p is { name: string; from: Date } => p.from !== undefined)
      .map((p) => ({ ...p, to: nextMonth(p.from) }))
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  /**
   * Creates the month's partition unless it exists. Rows the default partition caught for that
   * month move into it first: PostgreSQL refuses a new range the default partition already holds.
   */
  async createMonth(month: Date): Promise<boolean> {
    const from = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1));
    const to = nextMonth(from);
    const name = partitionName(from);
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      if ((await this.list(tx)).some((p) => p.name === name)) return false;
      await tx.exec(`CREATE TABLE ${name} (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await tx.query(
        `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE at >= $1 AND at < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(
        `ALTER TABLE observations ATTACH PARTITION ${name} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
      );
      return true;
    });
  }

  /** Rolls a whole partition up into observation_hourly and drops it, in one transaction. */
  async rollUpAndDrop(p: ObservationPartition): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      if (!(await this.list(tx)).some((x) => x.name === p.name)) return 0;
      const { rowCount } = await tx.query(rollupSql(p.name), [p.to]);
      await tx.exec(`DROP TABLE ${p.name}`);
      return rowCount;
    });
  }

  /** The default partition's rows older than the cutoff: rolled up, then deleted. */
  async rollUpDefault(cutoff: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      const { rowCount } = await tx.query(rollupSql(DEFAULT_PARTITION), [cutoff]);
      await tx.query(`DELETE FROM ${DEFAULT_PARTITION} WHERE at < $1`, [cutoff]);
      return rowCount;
    });
  }
}
