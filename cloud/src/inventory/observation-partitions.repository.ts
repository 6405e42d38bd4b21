import type { Db, Queryable } from '../db/types.js';

/** One monthly partition of observations, by its UTC month start. */
export interface ObservationPartition {
  name: string;
  from: Date;
  to: Date;
}

// outliers either side of the months: see migration 180 for why not a DEFAULT partition
const BEFORE = 'observations_before';
const AFTER = 'observations_after';
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

// Rows of one source (a month or observations_before) before the cutoff, folded into their hour; an hour
// already rolled up (late rows that went to observations_before) merges rather than doubles.
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
   * Makes sure the month has its partition. The months stay contiguous: a month past the last
   * one is split off observations_after together with any month between, a month before the
   * first one off observations_before, each taking the rows the outlier partition held for it.
   */
  async createMonth(month: Date): Promise<boolean> {
    const m = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1));
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      const months = await this.list(tx);
      if (months.some((p) => p.from.getTime() === m.getTime())) return false;
      const first = months[0]!.from;
      const last = months.at(-1)!.to;
      const after = m >= last;
      const side = after ? AFTER : BEFORE;
      await tx.exec(`ALTER TABLE observations DETACH PARTITION ${side}`);
      for (let from = after ? last : m; from < (after ? nextMonth(m) : first); from = nextMonth(from)) {
        const name = partitionName(from);
        await tx.exec(`CREATE TABLE ${name} (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await tx.query(
          `WITH moved AS (DELETE FROM ${side} WHERE at >= $1 AND at < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
          [from, nextMonth(from)],
        );
        await tx.exec(
          `ALTER TABLE observations ATTACH PARTITION ${name} FOR VALUES FROM ('${from.toISOString()}') TO ('${nextMonth(from).toISOString()}')`,
        );
      }
      await tx.exec(
        after
          ? `ALTER TABLE observations ATTACH PARTITION ${AFTER} FOR VALUES FROM ('${nextMonth(m).toISOString()}') TO (MAXVALUE)`
          : `ALTER TABLE observations ATTACH PARTITION ${BEFORE} FOR VALUES FROM (MINVALUE) TO ('${m.toISOString()}')`,
      );
      return true;
    });
  }

  /**
   * Rolls the oldest month up into observation_hourly and drops it, in one transaction;
   * observations_before then covers its range (a late row for it is an outlier).
   */
  async rollUpAndDrop(p: ObservationPartition): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      const months = await this.list(tx);
      if (!months.some((x) => x.name === p.name)) return 0;
      if (months[0]!.name !== p.name || months.length < 2) throw new Error(`${p.name} is not the oldest of several months: not dropped`);
      const { rowCount } = await tx.query(rollupSql(p.name), [p.to]);
      await tx.exec(`DROP TABLE ${p.name}`);
      // a slot whose latest reading went with the month has none left to show, as before slot_readings
      await tx.query('DELETE FROM slot_readings WHERE at < $1', [p.to]);
      // the month's ids (migration 281) go with it: a scan of observation_ids a month, not a per-row index on ingest's path
      await tx.query('DELETE FROM observation_ids WHERE at < $1', [p.to]);
      await tx.exec(`ALTER TABLE observations DETACH PARTITION ${BEFORE}`);
      await tx.exec(`ALTER TABLE observations ATTACH PARTITION ${BEFORE} FOR VALUES FROM (MINVALUE) TO ('${p.to.toISOString()}')`);
      return rowCount;
    });
  }

  /** observations_before's rows older than the cutoff: rolled up, then deleted. */
  async rollUpOutliers(cutoff: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      const { rowCount } = await tx.query(rollupSql(BEFORE), [cutoff]);
      await tx.query(`DELETE FROM ${BEFORE} WHERE at < $1`, [cutoff]);
      await tx.query('DELETE FROM slot_readings WHERE at < $1', [cutoff]);
      return rowCount;
    });
  }
}
