/**
 * The observations bench's rows, loaded the way a bulk load is done: per month partition, the rows go
 * into a plain table with the partition's shape and no indexes, its indexes are built once over the
 * whole month, and it is attached with a CHECK constraint that proves its range, so the attach does
 * not scan it. Row by row into an indexed month, the fill fell to 11,700 rows/s once the month's
 * indexes outgrew shared_buffers (every insert a random page of four B-trees).
 *
 * Each month is replaced in one transaction: on a server with wal_level=minimal, a table created in
 * the transaction that fills it is written without WAL.
 */
import type { Db, Queryable } from '../src/db/index.js';
import { partitionName } from '../src/inventory/observation-partitions.repository.js';

export interface BenchShape {
  orgId: string;
  items: string[];
  /** the newest row's time, ms */
  now: number;
  msPerRow: number;
  slots: number;
}

export interface MonthLoad {
  partition: string;
  rows: number;
  loadS: number;
  indexS: number;
  attachS: number;
}

const since = (t0: number) => (performance.now() - t0) / 1000;
const monthStart = (t: number, plus = 0) => {
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
};

/**
 * Rows [from, to) that fall in [start, end), oldest first: row g is slot g % slots at now − g × msPerRow,
 * the same ids, times and values the bench inserted row by row before (the filter on "at" is the one
 * partition routing applied).
 */
async function insertRows(tx: Queryable, table: string, s: BenchShape, from: number, to: number, start: Date, end: Date) {
  const gNewest = Math.max(from, Math.floor((s.now - end.getTime()) / s.msPerRow) - 2);
  const gOldest = Math.min(to - 1, Math.ceil((s.now - start.getTime()) / s.msPerRow) + 2);
  if (gOldest < gNewest) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO ${table} (id, org_id, device_id, camera_id, slot_id, item_id, at, count, fills, units, confidence, state, trusted, batch_seq)
     SELECT (lpad(to_hex((($3::float8 - g * $4::float8))::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
            $1, 'bar-' || lpad((k / 100)::text, 4, '0'), 'cam-' || (k / 25 % 4 + 1), 'slot-' || (k % 25 + 1), ($2::uuid[])[k % ${s.items.length} + 1],
            at, 1, '[0.5]', (g % 7)::numeric / 2, 0.9, 'ok', g % 10 <> 0, g
     FROM generate_series($5::bigint, $6::bigint, -1) g,
          LATERAL (SELECT (g % ${s.slots})::int AS k, md5(g::text) AS h, to_timestamp(($3::float8 - g * $4::float8) / 1000) AS at) x
     WHERE at >= $7 AND at < $8`,
    [s.orgId, s.items, s.now, s.msPerRow, gOldest, gNewest, start, end],
  );
  return rowCount;
}

/**
 * Replaces one month's partition (as the maintenance job made it) by a bulk-loaded one holding its
 * rows so far plus rows [from, to) of the month: same columns, the same indexes and constraints under
 * the same names, attached to the same parent indexes.
 */
async function loadMonth(db: Db, s: BenchShape, month: Date, from: number, to: number): Promise<MonthLoad> {
  const part = partitionName(month);
  const end = monthStart(month.getTime(), 1);
  const staging = `${part}_load`;
  return db.transaction(async (tx) => {
    // what the month has now, rebuilt on the loaded table below; a constraint's own index comes with it
    const { rows: indexes } = await tx.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [part],
    );
    const { rows: keys } = await tx.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x')`,
      [part],
    );
    let t0 = performance.now();
    // the CHECK constraints come with LIKE, as in createMonth; the foreign key comes with the attach
    await tx.exec(`CREATE TABLE ${staging} (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    const added = await insertRows(tx, staging, s, from, to, month, end);
    // rows an earlier step put in this month are newer than the ones just added: after them, in time order
    await tx.exec(`INSERT INTO ${staging} SELECT * FROM ${part}`);
    await tx.exec(`ALTER TABLE observations DETACH PARTITION ${part}`);
    await tx.exec(`DROP TABLE ${part}`);
    await tx.exec(`ALTER TABLE ${staging} RENAME TO ${part}`);
    const loadS = since(t0);
    t0 = performance.now();
    for (const k of keys) await tx.exec(`ALTER TABLE ${part} ADD CONSTRAINT ${k.name} ${k.def}`);
    for (const i of indexes) await tx.exec(i.def);
    const indexS = since(t0);
    t0 = performance.now();
    const range = `('${month.toISOString()}') TO ('${end.toISOString()}')`;
    await tx.exec(
      `ALTER TABLE ${part} ADD CONSTRAINT ${part}_range CHECK (at IS NOT NULL AND at >= '${month.toISOString()}' AND at < '${end.toISOString()}')`,
    );
    await tx.exec(`ALTER TABLE observations ATTACH PARTITION ${part} FOR VALUES FROM ${range}`);
    await tx.exec(`ALTER TABLE ${part} DROP CONSTRAINT ${part}_range`);
    const { rows } = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${part}`);
    if (Number(rows[0]!.n) < added) throw new Error(`${part}: ${rows[0]!.n} rows after the load, fewer than the ${added} added`);
    return { partition: part, rows: added, loadS, indexS, attachS: since(t0) };
  });
}

/** Rows [from, to) month by month, newest month first; each month vacuumed as it is loaded, while its pages are cached. */
export async function bulkFill(db: Db, s: BenchShape, from: number, to: number, log: (line: string) => void): Promise<MonthLoad[]> {
  const out: MonthLoad[] = [];
  const oldest = monthStart(s.now - (to - 1) * s.msPerRow);
  for (let m = monthStart(s.now - from * s.msPerRow); m >= oldest; m = monthStart(m.getTime(), -1)) {
    const month = await loadMonth(db, s, m, from, to);
    const t0 = performance.now();
    await db.exec(`VACUUM (ANALYZE) ${month.partition}`);
    log(
      `${month.partition}: ${month.rows.toLocaleString()} rows loaded in ${month.loadS.toFixed(0)} s, indexes ${month.indexS.toFixed(0)} s, ` +
        `attach ${month.attachS.toFixed(1)} s, vacuum ${since(t0).toFixed(0)} s`,
    );
    out.push(month);
  }
  return out;
}

/**
 * A partition's shape with its own name taken out: columns, constraints, indexes and the parent
 * index each is attached to. Two months made the same way print the same lines.
 */
async function shape(db: Db, part: string): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(
    `SELECT 'column ' || attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END
            || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass
     UNION ALL
     SELECT 'index ' || pg_get_indexdef(i.inhrelid) || ' of ' || p.relname
     FROM pg_index x JOIN pg_inherits i ON i.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE x.indrelid = $1::regclass
     UNION ALL
     SELECT 'unattached index ' || pg_get_indexdef(x.indexrelid) FROM pg_index x
     WHERE x.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = x.indexrelid)
     UNION ALL
     SELECT 'partition of ' || p.relname || ' ' || pg_get_expr(c.relpartbound, c.oid)
     FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent WHERE c.oid = $1::regclass`,
    [part],
  );
  return rows.map((r) => r.line.replaceAll(part, '<month>').replace(/'\d{4}-\d\d-\d\d[^']*'/g, "'<date>'")).sort();
}

/**
 * Checks that every loaded month has the shape of a month the migrations and the maintenance job
 * made and the bench never touched (the last one ahead); throws naming the differences.
 */
export async function checkShape(db: Db, loaded: string[], reference: Date): Promise<string> {
  const refName = partitionName(reference);
  const want = await shape(db, refName);
  for (const part of loaded) {
    const got = await shape(db, part);
    const missing = want.filter((l) => !got.includes(l));
    const extra = got.filter((l) => !want.includes(l));
    if (missing.length || extra.length) {
      throw new Error(`${part} differs from ${refName}: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
    }
  }
  const count = (kind: string) => want.filter((l) => l.startsWith(kind)).length;
  return (
    `schema check: ${loaded.length} loaded months equal ${refName} (made by the migrations, never loaded): ` +
    `${count('column')} columns, ${count('constraint')} constraints, ${count('index')} indexes attached to the parent's`
  );
}
