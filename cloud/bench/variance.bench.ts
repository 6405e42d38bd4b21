/**
 * The variance report for one venue × 300 items × 90 days, on PostgreSQL (a private database
 * on BENCH_DATABASE_URL's server, created and dropped here). The venue: 200 items on 10 cameras
 * at the bar (one slot each, a reading every BENCH_VARIANCE_READING_MINUTES, default 5: the edge's
 * heartbeat), 100 counted by hand weekly in storage; each item sells 0.1 bottle every 6 hours
 * (the shelf falls with it) and is restocked with 6 bottles every 15 days. It prints, and adds
 * to bench-results/cloud.json:
 * - the report (lines and anomalies) over 90 days, falls kept by the daily scan (steady state);
 * - the same with the last day not yet scanned (read live, as before the day's job has run);
 * - the same with nothing kept (every reading read: why the daily scan exists);
 * - the KPIs over 90 days; the daily scan of one day, and of all 90 at once (a back-fill).
 * Medians of BENCH_VARIANCE_RUNS runs (default 5). Asserts nothing: speed is read from the figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { createLogger } from '@smartstock/runtime';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { InventoryService } from '../src/inventory/index.js';
import { VarianceService } from '../src/variance/index.js';
import { repos } from '../test/support/repos.js';
import { pct } from './load.js';

const COMMAND = 'npm run bench -w cloud';
const RUNS = Number(process.env.BENCH_VARIANCE_RUNS ?? 5);
const READING_MINUTES = Number(process.env.BENCH_VARIANCE_READING_MINUTES ?? 5);
const ITEMS = 300;
const ON_CAMERA = 200;
const DAYS = 90;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_variance_${process.pid}`;
const logger = createLogger('bench', { level: 'warn' });
const round1 = (v: number) => Math.round(v * 10) / 10;

interface Row {
  figure: string;
  value: number | string;
  unit?: string;
  target?: string;
}

const END = new Date('2026-11-30T00:00:00Z');
const START = new Date(END.getTime() - DAYS * 86_400_000);

/** The venue, written in bulk (generate_series): the services would take hours to write 5 M readings. */
async function seed(db: Db): Promise<{ orgId: string; venueId: string; readings: number; transactions: number }> {
  const r = repos(db);
  const orgId = (await r.venues.createOrganisation('Bench Bars')).id;
  const venueId = (await r.venues.createVenue(orgId, { name: 'Bench Venue', timezone: 'Europe/London' })).id;
  const bar = (await r.venues.createLocation(orgId, { venueId, name: 'Main Bar' })).id;
  const storage = (await r.venues.createLocation(orgId, { venueId, name: 'Storage', type: 'storage' })).id;
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params as never);
  await q(
    `INSERT INTO items (org_id, sku, name, bottle_size_ml, unit_cost) SELECT $1, 'SKU-' || n, 'Item ' || lpad(n::text, 3, '0'), 700, 20
     FROM generate_series(0, $2 - 1) n`,
    [orgId, ITEMS],
  );
  await q(`CREATE TEMP TABLE bench_items AS SELECT (substr(sku, 5))::int AS n, id FROM items WHERE org_id = $1`, [orgId]);
  await q(
    `INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point)
     SELECT $1, id, CASE WHEN n < $2 THEN $3::uuid ELSE $4::uuid END, 6, 2 FROM bench_items`,
    [orgId, ON_CAMERA, bar, storage],
  );
  await q(`INSERT INTO devices (id, org_id, venue_id, name) VALUES ('bench-edge', $1, $2, 'bench')`, [orgId, venueId]);
  await q(
    `INSERT INTO cameras (org_id, device_id, id, location_id, url) SELECT $1, 'bench-edge', 'cam-' || c, $2, 'rtsp://bench' FROM generate_series(0, 9) c`,
    [orgId, bar],
  );
  await q(
    `INSERT INTO slots (org_id, device_id, camera_id, id, item_id, polygon)
     SELECT $1, 'bench-edge', 'cam-' || (n / 20), 'slot-' || n, id, '[]' FROM bench_items WHERE n < $2`,
    [orgId, ON_CAMERA],
  );
  // step k (every 6 h from START, per item offset n): 0.1 sold, except every 60th step, a delivery of 6
  const level = `(6 - 0.1 * ((floor(extract(epoch FROM t - $2::timestamptz) / 21600)::int + i.n) % 60))`;
  await q(
    `INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, at, count, fills, units, confidence, state, trusted, batch_seq)
     SELECT gen_random_uuid(), $1, 'bench-edge', 'cam-' || (i.n / 20), 'slot-' || i.n, i.id, t, 6, '[]', ${level}, 0.9, 'ok', true, 0
     FROM bench_items i, generate_series($2::timestamptz - interval '1 day', $3::timestamptz, make_interval(mins => $4)) t
     WHERE i.n < $5`,
    [orgId, START, END, READING_MINUTES, ON_CAMERA],
  );
  await q(
    `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at, source_type)
     SELECT $1, i.id, CASE WHEN i.n < $4 THEN $5::uuid ELSE $6::uuid END,
            CASE WHEN (k + i.n) % 60 = 0 THEN 'RECEIVE' ELSE 'SALE' END, CASE WHEN (k + i.n) % 60 = 0 THEN 6 ELSE -0.1 END,
            $2::timestamptz + make_interval(hours => 6 * k), 'bench'
     FROM bench_items i, generate_series(1, $3::int * 4) k`,
    [orgId, START, DAYS, ON_CAMERA, bar, storage],
  );
  // storage is counted by hand every week (and once before the period), finding what the ledger says
  await q(
    `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, after, at, source_type)
     SELECT $1, i.id, $3, 'COUNT', 0, 6 - 0.1 * ((w * 28 + i.n) % 60), $2::timestamptz + make_interval(days => 7 * w) - interval '2 hours', 'bench'
     FROM bench_items i, generate_series(0, $4::int / 7) w WHERE i.n >= $5`,
    [orgId, START, storage, DAYS, ON_CAMERA],
  );
  await q('ANALYZE');
  const n = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  return { orgId, venueId, readings: await n('observations'), transactions: await n('transactions') };
}

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function measure(db: Db): Promise<Row[]> {
  await migrate(db);
  const t0 = performance.now();
  const s = await seed(db);
  const seedSeconds = (performance.now() - t0) / 1000;
  const variance = new VarianceService({ db, inventory: new InventoryService(db), logger });
  const report = () => variance.report(s.orgId, s.venueId, START, END);
  const rows: Row[] = [
    {
      figure: 'variance: venue seeded (readings, ledger rows)',
      value: `${s.readings} / ${s.transactions}`,
      unit: `in ${round1(seedSeconds)} s`,
    },
  ];
  const med = (ms: number[]) => round1(pct(ms, 50));

  const live = await timed(report);
  const lastDay = new Date(END.getTime() - 86_400_000);
  const t1 = performance.now();
  await variance.scanDrops(s.orgId, s.venueId, START, lastDay);
  const backfill = (performance.now() - t1) / 1000;
  const tail = await timed(report);
  const t2 = performance.now();
  await variance.scanDrops(s.orgId, s.venueId, lastDay, END);
  const oneDay = performance.now() - t2;
  const kept = await timed(report);
  const sample = await report();
  const kpis = await timed(() => variance.kpis(s.orgId, s.venueId, START, END));
  rows.push(
    {
      figure: `variance: report, ${ITEMS} items × ${DAYS} days, falls kept (p50)`,
      value: med(kept),
      unit: 'ms',
      target: '≤ 500 ms',
    },
    { figure: 'variance: report, last day read live (p50)', value: med(tail), unit: 'ms', target: '≤ 500 ms' },
    { figure: 'variance: report, nothing kept, every reading read (p50)', value: med(live), unit: 'ms' },
    { figure: `variance: KPIs, ${DAYS} days (p50)`, value: med(kpis), unit: 'ms' },
    { figure: 'variance: daily scan of one day', value: round1(oneDay), unit: 'ms' },
    { figure: `variance: scan of ${DAYS - 1} days at once (back-fill)`, value: round1(backfill), unit: 's' },
    {
      figure: 'variance: report lines / anomalies',
      value: `${sample.lines.length} / ${sample.anomalies.length}`,
      unit: `reading every ${READING_MINUTES} min`,
    },
  );
  return rows;
}

const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
let rows: Row[] = [];
try {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  const db = await openDb({ url: u.toString() });
  try {
    rows = await measure(db);
  } finally {
    await db.close();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

const out = rows.map((r) => ({ ...r, figure: `${r.figure} (PostgreSQL)`, command: COMMAND }));
console.table(Object.fromEntries(out.map(({ figure, value, unit, target }) => [figure, { value, unit, target }])));
// the ingest bench writes cloud.json first; these figures go beside the others
const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL('cloud.json', dir);
const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { rows: { figure: string }[] }).rows : [];
writeFileSync(file, JSON.stringify({ rows: [...before.filter((r) => !r.figure.startsWith('variance: ')), ...out] }, null, 2) + '\n');
