/**
 * Observations as they grow, on the schema the migrations make (monthly partitions, migration 180):
 * `npx tsx cloud/bench/observations-scale.bench.ts [--rows 10M,30M,100M] [--probes 200] [--keep]
 *   [--reuse DBNAME] [--retention]` (default 1M,3M). A private database on BENCH_DATABASE_URL's server
 * (default the machine's) is filled up to each size in turn at the fleet rate: 1,000 bars ×
 * 100 slots, 30 M rows a month (one row every 86.4 ms, newest now, each step adding older months),
 * uuidv7-shaped ids as devices mint them. Each month is bulk-loaded (observations-bulk-load.ts: a
 * plain table, its indexes built once, attached without a scan), and every loaded month is checked
 * to have the shape of a month the migrations made (printed; the bench stops if not).
 * After each step it prints p50/p99 of the reads that touch observations:
 * - latest of one slot (ORDER BY at DESC LIMIT 1), and as it stood at an instant (corrections,
 *   variance and stock-at-a-time ask that);
 * - the latest of a camera's 25 slots at an instant in one LATERAL query (StockRepository.partsAt's shape);
 * - an item's day of history (ObservationRepository.history) and an organisation's hour (count);
 * - an item's 28 days of daily facts at a location (ForecastRepository.dayFacts, the forecast's history),
 *   every bar's cameras at that one location (the worst case: all the item's slots);
 * and the size on disk per month of rows. `--retention` then times the maintenance job's roll-up and
 * drop of the oldest months, up to a whole one. `--keep` leaves the database for a rerun of the probes
 * with `--reuse` (before/after a fix on the same rows); otherwise it is dropped. Asserts nothing.
 *
 * At 100 M rows (~45 GB) run it on a PostgreSQL of its own, so that the machine's shared server keeps
 * its cache, e.g. (as root, the binaries of the installed version):
 *   mkdir /work/pg100m && chown postgres /work/pg100m
 *   su postgres -c '/usr/lib/postgresql/15/bin/initdb -D /work/pg100m/data --auth=trust'
 *   # postgresql.conf: port = 5433, shared_buffers = 2GB, maintenance_work_mem = 1GB,
 *   #   max_wal_size = 8GB, wal_level = minimal, max_wal_senders = 0 (a loaded month then skips the WAL)
 *   su postgres -c 'nice -n 10 /usr/lib/postgresql/15/bin/pg_ctl -D /work/pg100m/data -l /work/pg100m/server.log start'
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5433/postgres nohup nice -n 5 \
 *     npx tsx cloud/bench/observations-scale.bench.ts --rows 30M,100M --keep > /work/pg100m/bench.log 2>&1 &
 * then `pg_ctl stop` and `rm -r /work/pg100m` when done.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import pg from 'pg';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { ObservationPartitions } from '../src/inventory/index.js';
import { ObservationPartitionRepository } from '../src/inventory/observation-partitions.repository.js';
import { ObservationRepository } from '../src/inventory/observation.repository.js';
import { ForecastRepository } from '../src/forecast/forecast.repository.js';
import { repos } from '../test/support/repos.js';
import { pct } from './load.js';
import { bulkFill, checkShape } from './observations-bulk-load.js';

const COMMAND = 'npx tsx cloud/bench/observations-scale.bench.ts';
const { values: a } = parseArgs({
  options: {
    rows: { type: 'string', default: '1M,3M' },
    probes: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    retention: { type: 'boolean', default: false },
  },
});
const count = (s: string) => {
  const m = /^(\d+(?:\.\d+)?)([kM]?)$/.exec(s.trim());
  if (!m) throw new Error(`--rows: expected sizes like 10M,30M or 500k, got ${JSON.stringify(s)}`);
  return Math.round(Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1));
};
const STEPS = a.rows.split(',').map(count);
const PROBES = Number(a.probes);
const SLOTS = 100_000; // 1,000 bars × 4 cameras × 25 slots
const ITEMS = 1000;
const MS_PER_ROW = (30 * 86_400_000) / 30_000_000; // 30 M rows a month
const DAY = 86_400_000;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = a.reuse ?? `ss_bench_obsscale_${process.pid}`;
const log = (s: string) => process.stdout.write(`[observations-scale ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const load1 = () => loadavg()[0]!.toFixed(2);
const round2 = (v: number) => Math.round(v * 100) / 100;
// the last month the maintenance job makes ahead: made as the migrations make a month, never loaded
const aheadMonth = (now: number) => new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 2, 1));

// the probes are seeded, so two runs ask the same questions
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};
const slotOf = (k: number) => ({
  d: `bar-${String(Math.floor(k / 100)).padStart(4, '0')}`,
  c: `cam-${(Math.floor(k / 25) % 4) + 1}`,
  s: `slot-${(k % 25) + 1}`,
});

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

interface Row {
  figure: string;
  value: number;
  unit: string;
  load: string;
}

async function probe(db: Db, orgId: string, items: string[], now: number, rows: number, locationId: string): Promise<Row[]> {
  seed = 42;
  const span = rows * MS_PER_ROW;
  const instant = () => new Date(now - rand(Math.max(1, Math.floor(span / 3_600_000))) * 3_600_000);
  const latest = await timed(() => {
    const { d, c, s } = slotOf(rand(SLOTS));
    return db.query(
      `SELECT units, at FROM observations WHERE device_id = $1 AND camera_id = $2 AND slot_id = $3 AND trusted ORDER BY at DESC LIMIT 1`,
      [d, c, s],
    );
  });
  const latestAt = await timed(() => {
    const { d, c, s } = slotOf(rand(SLOTS));
    return db.query(
      `SELECT units, at FROM observations WHERE device_id = $1 AND camera_id = $2 AND slot_id = $3 AND trusted AND at <= $4 ORDER BY at DESC LIMIT 1`,
      [d, c, s, instant()],
    );
  });
  const camera = await timed(() => {
    const { d, c } = slotOf(rand(SLOTS));
    return db.query(
      `SELECT s.n, lo.units, lo.at FROM generate_series(1, 25) s(n) JOIN LATERAL (
         SELECT units, at FROM observations o WHERE o.device_id = $1 AND o.camera_id = $2 AND o.slot_id = 'slot-' || s.n AND o.trusted AND o.at <= $3
         ORDER BY o.at DESC LIMIT 1) lo ON true`,
      [d, c, instant()],
    );
  });
  const obs = new ObservationRepository(db);
  const history = await timed(() => {
    const from = now - DAY - rand(Math.max(1, Math.floor(span / DAY) - 1)) * DAY;
    return obs.history(orgId, items[rand(ITEMS)]!, new Date(from), new Date(from + DAY));
  });
  const hour = await timed(() => {
    const from = instant().getTime() - 3_600_000;
    return db.query('SELECT count(*) FROM observations WHERE org_id = $1 AND at >= $2 AND at < $3', [
      orgId,
      new Date(from),
      new Date(from + 3_600_000),
    ]);
  });
  const forecast = new ForecastRepository(db);
  const days = await timed(() =>
    forecast.dayFacts(orgId, items[rand(ITEMS)]!, locationId, new Date(now - 28 * DAY).toISOString().slice(0, 10)),
  );
  const label = rows >= 1e6 ? `${rows / 1e6} M rows` : `${rows} rows`;
  const fig = (name: string, ms: number[]): Row[] => [
    { figure: `${name} p50 (${label})`, value: round2(pct(ms, 50)), unit: 'ms', load: load1() },
    { figure: `${name} p99 (${label})`, value: round2(pct(ms, 99)), unit: 'ms', load: load1() },
  ];
  const { rows: sz } = await db.query<{ b: number }>(
    `SELECT COALESCE(sum(pg_total_relation_size(inhrelid)), 0)::float8 AS b FROM pg_inherits WHERE inhparent = 'observations'::regclass`,
  );
  const mib = sz[0]!.b / 2 ** 20;
  return [
    ...fig('latest of one slot', latest),
    ...fig('latest of one slot at an instant', latestAt),
    ...fig("latest of a camera's 25 slots at an instant", camera),
    ...fig("an item's day of history", history),
    ...fig("an org's hour, count", hour),
    ...fig("an item's 28 days of daily facts (forecast)", days),
    { figure: `size on disk, rows and indexes (${label})`, value: Math.round(mib), unit: 'MiB', load: load1() },
    {
      figure: `size on disk per 30 M rows (a month of 1,000 bars) (${label})`,
      value: Math.round((mib / rows) * 30e6),
      unit: 'MiB',
      load: load1(),
    },
  ];
}

/**
 * What the maintenance job does once a month, timed: the oldest months rolled up into observation_hourly
 * and dropped, one by one, until a whole month's (≥ 28 days of rows) has been. Leaves the rows short of
 * those months, so a kept database is marked as not to be reused.
 */
async function retention(db: Db, rows: number): Promise<Row[]> {
  const partitions = new ObservationPartitionRepository(db);
  const wholeMonth = (28 * DAY) / MS_PER_ROW;
  const out: Row[] = [];
  for (let months = await partitions.list(); months.length > 1; months = await partitions.list()) {
    const oldest = months[0]!;
    const { rows: n } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${oldest.name}`);
    const raw = Number(n[0]!.n);
    log(`retention: rolling up and dropping ${oldest.name} (${raw.toLocaleString()} rows, load ${load1()})`);
    const t0 = performance.now();
    const hourly = await partitions.rollUpAndDrop(oldest);
    const s = (performance.now() - t0) / 1000;
    const figure = `retention: roll-up + drop of ${oldest.name}, ${raw.toLocaleString()} rows → ${hourly.toLocaleString()} hourly (of ${rows / 1e6} M)`;
    log(`${figure}: ${s.toFixed(1)} s (load ${load1()})`);
    out.push({ figure, value: round2(s), unit: 's', load: load1() });
    await db.query('UPDATE bench_scale SET rows = -1');
    if (raw >= wholeMonth) break;
  }
  return out;
}

const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
if (!a.reuse) await admin.query(`CREATE DATABASE ${dbName}`);
const out: Row[] = [];
let keep = a.keep || !!a.reuse;
try {
  const db = await openDb({ url: Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString() });
  try {
    // on a reused database, a new migration's index build over every month: timed, as an upgrade would take it
    const t0 = performance.now();
    await migrate(db);
    log(`migrations applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.exec(`CREATE TABLE IF NOT EXISTS bench_scale (org_id uuid, items uuid[], now float8, rows bigint)`);
    let meta = (await db.query<{ org_id: string; items: string[]; now: number; rows: string }>('SELECT * FROM bench_scale')).rows[0];
    if (!meta) {
      const orgId = (await repos(db).venues.createOrganisation('Bench Fleet')).id;
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO items (org_id, sku, name) SELECT $1, 'SKU-' || g, 'Item ' || g FROM generate_series(1, ${ITEMS}) g RETURNING id`,
        [orgId],
      );
      meta = { org_id: orgId, items: rows.map((r) => r.id), now: Date.now(), rows: '0' };
      await db.query('INSERT INTO bench_scale VALUES ($1, $2, $3, 0)', [meta.org_id, meta.items, meta.now]);
    }
    // one venue and location, every bar's device and cameras at it: what the forecast's history joins through
    await db.exec('ALTER TABLE bench_scale ADD COLUMN IF NOT EXISTS location_id uuid');
    let locationId = (await db.query<{ location_id: string | null }>('SELECT location_id FROM bench_scale')).rows[0]!.location_id;
    if (!locationId) {
      const venue = await repos(db).venues.createVenue(meta.org_id, { name: 'Bench Bar', timezone: 'UTC' });
      locationId = (await repos(db).venues.createLocation(meta.org_id, { venueId: venue.id, name: 'Back bar' })).id;
      await db.query(
        `INSERT INTO devices (id, org_id, venue_id, name) SELECT 'bar-' || lpad(g::text, 4, '0'), $1, $2, 'bar ' || g FROM generate_series(0, ${SLOTS / 100 - 1}) g`,
        [meta.org_id, venue.id],
      );
      await db.query(
        `INSERT INTO cameras (org_id, device_id, id, location_id, url)
         SELECT $1, d.id, 'cam-' || c, $2, 'rtsp://10.0.0.1/stream' FROM devices d, generate_series(1, 4) c WHERE d.org_id = $1`,
        [meta.org_id, locationId],
      );
      await db.query('UPDATE bench_scale SET location_id = $1', [locationId]);
    }
    const now = meta.now;
    const shape = { orgId: meta.org_id, items: meta.items, now, msPerRow: MS_PER_ROW, slots: SLOTS };
    let have = Number(meta.rows);
    if (have < 0) throw new Error(`--reuse ${dbName}: --retention dropped its oldest months; fill a new database`);
    // with --reuse: the probes on the rows there are, then any larger step asked for
    const steps = a.reuse ? [have, ...STEPS.filter((n) => n > have)] : STEPS;
    for (const want of steps) {
      if (want > have) {
        // every month the rows reach back to has its partition, as the maintenance job keeps them
        const days = Math.ceil((want * MS_PER_ROW) / DAY) + 31;
        await new ObservationPartitions(db, { retentionDays: days, monthsAhead: 2 }).maintain(now);
        log(`filling ${have.toLocaleString()} → ${want.toLocaleString()} rows (load ${load1()})`);
        const t0 = performance.now();
        const months = await bulkFill(db, shape, have, want, log);
        const s = (performance.now() - t0) / 1000;
        out.push({
          figure: `fill, bulk load per month (rows, indexes, attach, vacuum), rows/s (to ${want / 1e6} M)`,
          value: Math.round((want - have) / s),
          unit: 'rows/s',
          load: load1(),
        });
        await db.query('UPDATE bench_scale SET rows = $1', [want]);
        have = want;
        log(`filled in ${s.toFixed(0)} s`);
        log(
          await checkShape(
            db,
            months.map((m) => m.partition),
            aheadMonth(now),
          ),
        );
      }
      // what autovacuum leaves on insert-only months (PostgreSQL 13+) and on the small tables: statistics,
      // and the visibility map that lets a count over an index skip the rows themselves
      await db.exec('VACUUM (ANALYZE)');
      const figs = await probe(db, meta.org_id, meta.items, now, have, locationId);
      for (const f of figs) log(`${f.figure}: ${f.value} ${f.unit} (load ${f.load})`);
      out.push(...figs);
    }
    if (a.retention) out.push(...(await retention(db, have)));
  } finally {
    await db.close();
  }
} catch (e) {
  keep = keep && !!a.reuse;
  throw e;
} finally {
  if (keep) log(`kept database ${dbName}: rerun the probes with --reuse ${dbName}; drop it with DROP DATABASE ${dbName}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
console.table(Object.fromEntries(out.map(({ figure, value, unit, load }) => [figure, { value, unit, load }])));
process.stdout.write(`${COMMAND} --rows ${a.rows}: figures from a shared 2-core machine (1-minute load beside each).\n`);
