/**
 * The alert engine's cost per stock level (issue #30): LEVELS levels of one venue (2 locations),
 * SHARE of them below their reorder point, judged in chunks of 500 as the after-commit queue hands
 * them over. Five rounds: three low (the third raises low_stock for every crossing level, each texted
 * to the venue's manager), then two back above (the second resolves them). Prints levels/s and round
 * trips per level (statements plus BEGIN/COMMIT) for each round and overall, on PGlite and on
 * PostgreSQL (a private database on BENCH_DATABASE_URL's server, created and dropped here).
 * Ordering's suggestion is left out (the cloud asks it once per raise, outside the transaction).
 * Asserts nothing: speed is read from the figures.
 *
 *   npx tsx cloud/bench/alert-judge.bench.ts   (also part of npm run bench -w cloud)
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { pino } from 'pino';
import { migrate, openDb, type Db } from '../src/db/index.js';
import type { Queryable } from '../src/db/types.js';
import { createAlertEngine, createNotifier, defaultAlertsConfig } from '../src/alerts/index.js';
import type { StockReading } from '../src/alerts/rules.js';
import { writeFigures } from './results.js';

const COMMAND = 'npx tsx cloud/bench/alert-judge.bench.ts';
const LEVELS = Number(process.env.BENCH_ALERT_LEVELS ?? 2000);
const SHARE = Number(process.env.BENCH_ALERT_SHARE ?? 0.2);
const CHUNK = 500;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_alerts_${process.pid}`;
const TRACE = new Map<string, number>();

/** db with every statement counted, BEGIN and COMMIT included: the round trips the engine makes. */
function counting(db: Db, count: { trips: number }): Db {
  const counted = (q: Queryable): Queryable => ({
    query: (text, params, o) => (
      count.trips++,
      process.env.BENCH_ALERT_TRACE && TRACE.set(text.slice(0, 60), (TRACE.get(text.slice(0, 60)) ?? 0) + 1),
      q.query(text, params, o)
    ),
    exec: (text) => (count.trips++, q.exec(text)),
    notify: (c, p) => q.notify(c, p),
    announce: (c, p) => q.announce(c, p),
  });
  return Object.assign(Object.create(db) as Db, {
    ...counted(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => ((count.trips += 2), db.transaction((tx) => fn(counted(tx)))),
  });
}

async function seed(db: Db) {
  const one = async (sql: string, params: unknown[] = []) => (await db.query<{ id: string }>(sql, params as never)).rows[0]!.id;
  const orgId = await one(`INSERT INTO organisations (name) VALUES ('Bench Bars') RETURNING id`);
  const venueId = await one(`INSERT INTO venues (org_id, name) VALUES ($1, 'The Anchor') RETURNING id`, [orgId]);
  const locations = [
    await one(`INSERT INTO locations (org_id, venue_id, name) VALUES ($1, $2, 'Main Bar') RETURNING id`, [orgId, venueId]),
    await one(`INSERT INTO locations (org_id, venue_id, name) VALUES ($1, $2, 'Rooftop') RETURNING id`, [orgId, venueId]),
  ];
  const { rows: items } = await db.query<{ id: string }>(
    `INSERT INTO items (org_id, sku, name, bottle_size_ml) SELECT $1, 'SKU-' || g, 'Item ' || g, 700 FROM generate_series(1, $2::int) g RETURNING id`,
    [orgId, Math.ceil(LEVELS / locations.length)],
  );
  await db.query(
    `INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point)
     SELECT $1, i.id, l.id, 6, 2 FROM items i, locations l WHERE i.org_id = $1 AND l.org_id = $1`,
    [orgId],
  );
  // the venue's manager, texted for every raised alert
  const userId = await one(`INSERT INTO users (email, name, password_hash) VALUES ('manager@bench.example', 'Sam', 'x') RETURNING id`);
  await db.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'manager')`, [orgId, userId]);
  await db.query(
    `INSERT INTO notification_settings (org_id, user_id, venue_id, phone_e164, channels, enabled) VALUES ($1, $2, $3, '+447700900123', ARRAY['sms'], true)`,
    [orgId, userId, venueId],
  );
  const pairs = items.flatMap((item) => locations.map((locationId) => ({ itemId: item.id, locationId }))).slice(0, LEVELS);
  return { orgId, venueId, pairs };
}

interface Figure {
  figure: string;
  value: number;
  unit: string;
}

async function measure(label: string, raw: Db): Promise<Figure[]> {
  await migrate(raw);
  const { orgId, venueId, pairs } = await seed(raw);
  const count = { trips: 0 };
  const db = counting(raw, count);
  let clock = Date.parse('2026-11-20T18:00:00Z');
  const now = () => new Date(clock);
  const config = defaultAlertsConfig();
  const logger = pino({ level: 'silent' });
  const notifier = await createNotifier({ db, config, logger, now, alertSummary: async () => ({ open: {}, raised: 0, resolved: 0 }) });
  // as startAlerts wires it
  const engine = createAlertEngine({ db, config, logger, now, notify: notifier.enqueueAlert, notifyMany: notifier.enqueueAlerts });
  const crossing = Math.round(pairs.length * SHARE);
  const rounds: { name: string; low: number }[] = [
    { name: 'building', low: 1 },
    { name: 'building', low: 1 },
    { name: 'raising', low: 1 },
    { name: 'clearing', low: 5 },
    { name: 'resolving', low: 5 },
  ];
  const out: Figure[] = [];
  let totalMs = 0;
  let totalTrips = 0;
  for (const round of rounds) {
    clock += 60_000;
    const readings: StockReading[] = pairs.map((pair, n) => ({
      orgId,
      venueId,
      ...pair,
      level: n < crossing ? round.low : 5,
      reorderPoint: 2,
      trusted: true,
      at: now(),
    }));
    count.trips = 0;
    TRACE.clear();
    const t0 = performance.now();
    let changed = 0;
    for (let at = 0; at < readings.length; at += CHUNK) changed += (await engine.stockLevels(orgId, readings.slice(at, at + CHUNK))).length;
    const ms = performance.now() - t0;
    totalMs += ms;
    totalTrips += count.trips;
    process.stdout.write(
      `${label} ${round.name.padEnd(9)} ${pairs.length} levels (${crossing} crossing): ${Math.round((pairs.length / ms) * 1000)} levels/s, ` +
        `${(count.trips / pairs.length).toFixed(3)} round trips/level, ${changed} alerts changed, ${ms.toFixed(0)} ms\n`,
    );
    if (process.env.BENCH_ALERT_TRACE) for (const [sql, n] of TRACE) process.stdout.write(`  ${n} × ${sql.replace(/\s+/g, ' ')}\n`);
    if (round.name === 'raising')
      out.push(
        { figure: `alerts: levels judged/s, raising round (${label})`, value: Math.round((pairs.length / ms) * 1000), unit: 'levels/s' },
        { figure: `alerts: round trips per level, raising round (${label})`, value: count.trips / pairs.length, unit: 'trips' },
      );
  }
  const texts = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'alert' AND channel = 'sms'`);
  process.stdout.write(
    `${label} overall: ${Math.round(((rounds.length * pairs.length) / totalMs) * 1000)} levels/s, ` +
      `${(totalTrips / (rounds.length * pairs.length)).toFixed(3)} round trips/level, ${texts.rows[0]!.n} texts queued, load ${loadavg()[0]!.toFixed(1)}\n`,
  );
  out.push(
    {
      figure: `alerts: levels judged/s, ${pairs.length} levels × 5 rounds, ${SHARE * 100}% crossing (${label})`,
      value: Math.round(((rounds.length * pairs.length) / totalMs) * 1000),
      unit: 'levels/s',
    },
    {
      figure: `alerts: round trips per level over the 5 rounds (${label})`,
      value: totalTrips / (rounds.length * pairs.length),
      unit: 'trips',
    },
  );
  await raw.close();
  return out;
}

process.stdout.write(
  `alert judging bench: load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
const figures: Figure[] = await measure('PGlite', await openDb({ dataDir: 'memory://' }));
const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
try {
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  figures.push(...(await measure('PostgreSQL', await openDb({ url: u.toString() }))));
} catch (e) {
  process.stdout.write(`alert judging bench: no PostgreSQL at ${new URL(serverUrl).host} (${(e as Error).message}); PGlite only\n`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
writeFigures(
  'alerts: ',
  figures.map((f) => ({ ...f, command: COMMAND })),
);
