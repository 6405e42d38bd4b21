/**
 * `npm run bench:ingest-cpu [-- --devices 500 --runs 12 --messages 100,10]`: what an ingest run costs
 * PostgreSQL itself, in CPU time of its backend (/proc/<pid>/schedstat, nanoseconds on a CPU), per
 * observation and per statement, beside the bare UNNEST insert measured the same way. CPU time, not
 * wall time: on a shared machine the load stretches the wall clock but not the work a statement does.
 * ObservationService.recordMany is called directly (no broker), with runs of `messages` camera heartbeats
 * from as many devices, as the fleet bench's burst hands them to it. PostgreSQL must run on this machine
 * (its backend's /proc is read). A fresh database (the fleet's seed), dropped at the end; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { uuidv7, type ObservationBatch } from '@smartstock/protocol';
import { openPg } from '../../cloud/src/db/pg.js';
import type { Db, Queryable } from '../../cloud/src/db/types.js';
import { ObservationService } from '../../cloud/src/inventory/index.js';
import { LiveEventRepository } from '../../cloud/src/live/live-event.repository.js';
import { fleetLayout, type FleetDevice } from './layout.js';
import { createFleetDb } from './seed.js';

const { values: a } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    runs: { type: 'string', default: '12' },
    messages: { type: 'string', default: '100,10' },
  },
});
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const fleet = fleetLayout(Number(a.devices));
const log = (s: string) => process.stdout.write(`[ingest-cpu] ${s}\n`);

/** Nanoseconds the backend has spent on a CPU. */
const cpuNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

/** The statement's first words, whitespace folded: how it is named in the table. */
const nameOf = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 70);

/** A Db whose transactions' statements are timed in the backend's CPU (one connection, so one backend). */
function timed(db: Db, pid: number, spent: Map<string, { calls: number; ns: number }>, explain?: (plan: string) => void): Db {
  const wrap = (q: Queryable): Queryable => ({
    query: async (sql, params, o) => {
      if (explain && o?.prepare) {
        // the plan a prepared statement settles on (generic), run and rolled back
        await q.exec('SAVEPOINT explained; SET LOCAL plan_cache_mode = force_generic_plan');
        const plan = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        await q.exec('ROLLBACK TO SAVEPOINT explained');
        explain(`${nameOf(sql)}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      }
      const t0 = cpuNs(pid);
      try {
        return await q.query(sql, params, o);
      } finally {
        const s = spent.get(nameOf(sql)) ?? { calls: 0, ns: 0 };
        s.calls++;
        s.ns += cpuNs(pid) - t0;
        spent.set(nameOf(sql), s);
      }
    },
    exec: (sql) => q.exec(sql),
    notify: (c, p) => q.notify(c, p),
    announce: (c, p) => q.announce(c, p),
  });
  return Object.assign(Object.create(db) as Db, {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction(async (tx) => {
        const t0 = cpuNs(pid);
        try {
          return await fn(wrap(tx));
        } finally {
          const s = spent.get('(transaction, BEGIN to COMMIT)') ?? { calls: 0, ns: 0 };
          s.calls++;
          s.ns += cpuNs(pid) - t0;
          spent.set('(transaction, BEGIN to COMMIT)', s);
        }
      }),
  });
}

/** One camera's heartbeat: every slot's reading, a third of them changed since the last. */
function heartbeat(d: FleetDevice, camera: number, seq: number): ObservationBatch {
  const cam = d.cameras[camera % d.cameras.length]!;
  const at = new Date().toISOString();
  return {
    v: 1,
    deviceId: d.id,
    seq,
    sentAt: at,
    observations: cam.slots.map((slot, k) => {
      const count = (seq + k) % 3 === 0 ? 3 + (seq % 4) : 4;
      const fills = Array.from({ length: count }, (_, f) => (f === count - 1 ? 0.5 : 1));
      return {
        id: uuidv7(),
        cameraId: cam.id,
        slotId: slot.id,
        sku: slot.sku,
        at,
        count,
        fills,
        units: fills.reduce((x, y) => x + y, 0),
        confidence: 0.9,
        state: 'ok' as const,
        reason: 'heartbeat' as const,
      };
    }),
  } as ObservationBatch;
}

const name = `ss_ingest_cpu_${randomBytes(3).toString('hex')}`;
const seeded = await createFleetDb(serverUrl, name, fleet);
const db = await openPg({ url: seeded.url, max: 1 });
try {
  // INGEST_CPU_SQL: statements run on the fresh database before measuring (to try a schema change)
  if (process.env.INGEST_CPU_SQL) await db.exec(process.env.INGEST_CPU_SQL);
  const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const venues = await db.query<{ id: string }>('SELECT id FROM venues ORDER BY name');
  const health = { at: new Date(Date.now() + 3600_000).toISOString(), cameras: [] };
  const device = (d: FleetDevice) => ({ id: d.id, orgId: seeded.orgId, venueId: venues.rows[d.venue]!.id, health });
  const events = new LiveEventRepository(db);
  let seq = 0;
  let next = 0;
  // a running fleet: every camera has reported once, so a slot's reading is an update, as it is in steady state
  const every = fleet.flatMap((d) => d.cameras.map((_, c) => ({ device: device(d), batch: heartbeat(d, c, seq++) })));
  for (let i = 0; i < every.length; i += 200) await new ObservationService(db).recordMany(every.slice(i, i + 200));
  for (const messages of a.messages.split(',').map(Number)) {
    const run = () =>
      Array.from({ length: messages }, () => {
        const d = fleet[next++ % fleet.length]!;
        return { device: device(d), batch: heartbeat(d, Math.floor(next / fleet.length), seq++) };
      });
    // warm: the prepared statements' plans, the caches
    const plain = new ObservationService(db);
    for (let i = 0; i < 3; i++) await plain.recordMany(run());
    const spent = new Map<string, { calls: number; ns: number }>();
    const service = new ObservationService(timed(db, pid, spent));
    let obs = 0;
    const load = loadavg()[0]!.toFixed(2);
    const firstEvent = (await events.lastId()) + 1;
    for (let i = 0; i < Number(a.runs); i++) {
      const batches = run();
      obs += batches.reduce((n, b) => n + b.batch.observations.length, 0);
      await service.recordMany(batches);
    }
    if (process.env.INGEST_CPU_EXPLAIN) await new ObservationService(timed(db, pid, new Map(), (plan) => log(plan))).recordMany(run());
    log(`runs of ${messages} messages (${(obs / Number(a.runs)).toFixed(0)} obs a run), ${a.runs} runs, load ${load}:`);
    // what each instance's live hub then reads back (by ids, as notified), for its sockets
    const ids = Array.from({ length: (await events.lastId()) - firstEvent + 1 }, (_, k) => firstEvent + k);
    const read0 = cpuNs(pid);
    for (let i = 0; i < ids.length; i += 350) await events.byIds(ids.slice(i, i + 350));
    spent.set("(live hub: the run's events read back by id, per instance)", { calls: Math.ceil(ids.length / 350), ns: cpuNs(pid) - read0 });
    const rows = [...spent].sort((x, y) => y[1].ns - x[1].ns);
    for (const [sql, s] of rows)
      log(
        `  ${((s.ns / obs) * 1e-3).toFixed(1).padStart(7)} µs/obs  ${((s.calls * 1000) / obs).toFixed(1).padStart(6)} calls/1k obs  ${sql}`,
      );
  }
  // the bare UNNEST insert, 1,000 rows a statement and a commit, measured the same way
  await db.query(`CREATE TABLE bench_ceiling (id uuid PRIMARY KEY, device_id text NOT NULL, slot_id text NOT NULL, at timestamptz NOT NULL,
    count integer NOT NULL, units numeric(10, 3) NOT NULL, confidence real NOT NULL, trusted boolean NOT NULL)`);
  const t0 = cpuNs(pid);
  const reps = 20;
  for (let i = 0; i < reps; i++) {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    await db.query(
      `INSERT INTO bench_ceiling SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::numeric[], $7::real[], $8::bool[]) ON CONFLICT (id) DO NOTHING`,
      [
        ids,
        ids.map(() => 'fleet-0001'),
        ids.map((_, k) => `slot-${k % 40}`),
        ids.map(() => new Date()),
        ids.map(() => 3),
        ids.map(() => 2.5),
        ids.map(() => 0.9),
        ids.map(() => true),
      ],
    );
  }
  log(`bare UNNEST insert (1,000-row statements, autocommit): ${((cpuNs(pid) - t0) / (reps * 1000) / 1000).toFixed(1)} µs/row`);
} finally {
  await db.close();
  await seeded.drop();
}
process.exit(0);
