/**
 * Observations at fleet scale on PostgreSQL (a private database on BENCH_DATABASE_URL's server,
 * created and dropped here): BENCH_OBS_ROWS rows (10 M by default) over a year from 5,000 slots,
 * in the schema before migration 180 (one table), then converted by migration 180 itself
 * (monthly partitions). Before and after it prints, and adds to bench-results/cloud.json:
 * - latest reading of one slot (the stock level's per-slot probe), p50/p99;
 * - the latest of a camera's 25 slots in one LATERAL query, p50/p99;
 * - an item's day of history (ObservationRepository.history), p50/p99;
 * - an organisation's rows in one hour (count over observations_org_time), p50/p99;
 * and how long the conversion and one retention run (two months rolled up and dropped) took.
 * Asserts nothing: speed is read from the figures.
 */
import pg from 'pg';
import { migrate, openDb, readMigrations, type Db } from '../src/db/index.js';
import { ObservationPartitions } from '../src/inventory/index.js';
import { ObservationRepository } from '../src/inventory/observation.repository.js';
import { repos } from '../test/support/repos.js';
import { pct } from './load.js';
import { writeFigures } from './results.js';

const COMMAND = 'npm run bench -w cloud';
const ROWS = Number(process.env.BENCH_OBS_ROWS ?? 10_000_000);
const PROBES = Number(process.env.BENCH_OBS_PROBES ?? 300);
const SLOTS = 5000; // 50 devices × 4 cameras × 25 slots
const ITEMS = 1000;
const DAY = 86_400_000;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_obs_${process.pid}`;
const label = ROWS >= 1e6 ? `${ROWS / 1e6} M rows` : `${ROWS} rows`;
const round2 = (v: number) => Math.round(v * 100) / 100;
const log = (s: string) => process.stdout.write(`[observations bench] ${s}\n`);

interface Row {
  figure: string;
  value: number;
  unit: string;
}

// the probes are seeded, so before and after ask the same questions
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};

async function load(db: Db, orgId: string, now: number): Promise<string[]> {
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) items.push((await repos(db).items.create(orgId, { sku: `SKU-${i}`, name: `Item ${i}` })).id);
  const chunk = 1_000_000;
  for (let from = 0; from < ROWS; from += chunk) {
    const to = Math.min(ROWS, from + chunk);
    // slot k = g % SLOTS reads every 5000th row, so each slot has a reading about every 53 minutes over the year
    await db.query(
      `INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, at, count, fills, units, confidence, state, trusted, batch_seq)
       SELECT gen_random_uuid(), $1, 'dev-' || (k / 100), 'cam-' || (k / 25 % 4), 's' || (k % 25), ($2::uuid[])[k % ${ITEMS} + 1],
              to_timestamp(($3::float8 - 365 * 86400) + g::float8 * 365 * 86400 / $4), 1, '[0.5]', (g % 7)::numeric / 2, 0.9, 'ok', g % 10 <> 0, g
       FROM generate_series($5::bigint, $6::bigint - 1) g, LATERAL (SELECT (g % ${SLOTS})::int AS k) s`,
      [orgId, items, now / 1000, ROWS, from, to],
    );
    log(`loaded ${to.toLocaleString()} rows`);
  }
  await db.exec('ANALYZE observations');
  return items;
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function probe(db: Db, orgId: string, items: string[], now: number, stage: string): Promise<Row[]> {
  seed = 42;
  const slot = () => ({ d: `dev-${rand(50)}`, c: `cam-${rand(4)}`, s: `s${rand(25)}` });
  const latest = await timed(PROBES, () => {
    const { d, c, s } = slot();
    return db.query(
      `SELECT units, at FROM observations WHERE device_id = $1 AND camera_id = $2 AND slot_id = $3 AND trusted ORDER BY at DESC LIMIT 1`,
      [d, c, s],
    );
  });
  const camera = await timed(PROBES, () => {
    const { d, c } = slot();
    return db.query(
      `SELECT s.n, lo.units, lo.at FROM generate_series(0, 24) s(n) JOIN LATERAL (
         SELECT units, at FROM observations o WHERE o.device_id = $1 AND o.camera_id = $2 AND o.slot_id = 's' || s.n AND o.trusted
         ORDER BY o.at DESC LIMIT 1) lo ON true`,
      [d, c],
    );
  });
  const obs = new ObservationRepository(db);
  const history = await timed(PROBES, () => {
    const from = now - (1 + rand(300)) * DAY;
    return obs.history(orgId, items[rand(ITEMS)]!, new Date(from), new Date(from + DAY));
  });
  const hour = await timed(PROBES, () => {
    const from = now - (1 + rand(300 * 24)) * 3_600_000;
    return db.query('SELECT count(*) FROM observations WHERE org_id = $1 AND at >= $2 AND at < $3', [
      orgId,
      new Date(from),
      new Date(from + 3_600_000),
    ]);
  });
  const fig = (name: string, ms: number[]): Row[] => [
    { figure: `observations: ${name} p50 (${label}, ${stage})`, value: round2(pct(ms, 50)), unit: 'ms' },
    { figure: `observations: ${name} p99 (${label}, ${stage})`, value: round2(pct(ms, 99)), unit: 'ms' },
  ];
  return [
    ...fig('latest of one slot', latest),
    ...fig("latest of a camera's 25 slots", camera),
    ...fig("an item's day of history", history),
    ...fig("an org's hour, count", hour),
  ];
}

async function size(db: Db): Promise<number> {
  const { rows } = await db.query<{ b: number }>(
    `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::float8 AS b FROM pg_class c
     WHERE c.relname = 'observations' OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'observations'::regclass)`,
  );
  return Math.round(rows[0]!.b / 2 ** 20);
}

const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
const rows: Row[] = [];
try {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  const db = await openDb({ url: u.toString() });
  try {
    await migrate(
      db,
      readMigrations().filter((m) => m.name < '180'),
    );
    const now = Date.now();
    const orgId = (await repos(db).venues.createOrganisation('Bench Fleet')).id;
    const t0 = performance.now();
    const items = await load(db, orgId, now);
    log(`loaded in ${Math.round((performance.now() - t0) / 1000)} s`);
    rows.push(...(await probe(db, orgId, items, now, 'one table')));
    rows.push({ figure: `observations: size on disk (${label}, one table)`, value: await size(db), unit: 'MiB' });

    const t1 = performance.now();
    await migrate(db);
    await db.exec('ANALYZE observations');
    rows.push({ figure: `observations: migration 180, convert (${label})`, value: Math.round((performance.now() - t1) / 1000), unit: 's' });
    rows.push(...(await probe(db, orgId, items, now, 'monthly partitions')));
    rows.push({ figure: `observations: size on disk (${label}, monthly partitions)`, value: await size(db), unit: 'MiB' });

    // the oldest two months fall past retention: rolled up hourly, then dropped
    const t2 = performance.now();
    const done = await new ObservationPartitions(db, { retentionDays: 300, monthsAhead: 2 }).maintain(now);
    log(`retention dropped ${done.dropped.join(', ')}, wrote ${done.hourlyRows} hourly rows`);
    rows.push({
      figure: `observations: retention run, ${done.dropped.length} months (${label})`,
      value: Math.round((performance.now() - t2) / 1000),
      unit: 's',
    });
  } finally {
    await db.close();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

const out = rows.map((r) => ({ ...r, command: COMMAND }));
console.table(Object.fromEntries(out.map(({ figure, value, unit }) => [figure, { value, unit }])));
writeFigures('observations: ', out);
