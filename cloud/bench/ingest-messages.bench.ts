/**
 * Ingest cost per MESSAGE, with the fleet's small messages (a few observations each):
 *   BENCH_DEVICES=40 BENCH_MESSAGES=3000 BENCH_OBS=3 npx tsx cloud/bench/ingest-messages.bench.ts
 * On PostgreSQL (a private database on BENCH_DATABASE_URL's server, seeded as the fleet bench seeds
 * it: cameras and slots mapped to items, so every observation moves a stock level), with the
 * embedded broker (aedes, TLS) in this process. Every device publishes its share of QoS 1 messages
 * at once; a publish resolves on its PUBACK, which the cloud sends only after the commit. Prints
 * messages/s, CPU ms per message (this whole process: cloud, aedes and the devices' clients) and
 * SQL statements per message (counted on pg's client; BENCH_SQL=1 also prints the most frequent
 * statements, which is how the per-message costs were found). Asserts nothing.
 */
import pg from 'pg';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { createFleetDb, OWNER as FLEET_OWNER } from '../../e2e/fleet/seed.js';
import { fleetLayout } from '../../e2e/fleet/layout.js';
import { build, CHEAP_ARGON2, OWNER } from '../test/support/cloud.js';
import { passwordHasher } from '../src/users/index.js';
import { connectDevice } from '../test/support/device.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 40);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const PER_MESSAGE = Number(process.env.BENCH_OBS ?? 3);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const fleet = fleetLayout(DEVICES);
const fleetDb = await createFleetDb(serverUrl, `ss_bench_msgs_${process.pid}`, fleet);
{
  // the fleet's owner becomes the test cloud's, which build() signs in as
  const c = new pg.Client({ connectionString: fleetDb.url });
  await c.connect();
  const hash = await passwordHasher(CHEAP_ARGON2).hash(OWNER.password);
  await c.query('UPDATE users SET email = $1, password_hash = $2 WHERE email = $3', [OWNER.email, hash, FLEET_OWNER.email]);
  await c.end();
}

// counts every statement the process sends (the cloud's pool is pg's; the bench sends none meanwhile)
let statements = 0;
const byText = new Map<string, number>();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  statements++;
  if (process.env.BENCH_SQL) {
    const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string })?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    byText.set(key, (byText.get(key) ?? 0) + 1);
  }
  return (query as (...x: unknown[]) => unknown).apply(this, a);
} as typeof query;

const t = await build({ database: { url: fleetDb.url } });
try {
  const clients = await Promise.all(fleet.map((d) => connectDevice(t.cloud.brokerUrl, d.id)));
  let seq = 0;
  let expected = 0;
  const count = async (table: string) => (await t.cloud.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const message = (i: number) => {
    const d = fleet[i % DEVICES]!;
    const observations = Array.from({ length: PER_MESSAGE }, (_, k) => {
      const cam = d.cameras[(i + k) % d.cameras.length]!;
      const slot = cam.slots[(i * 7 + k) % cam.slots.length]!;
      return makeObservation({ cameraId: cam.id, slotId: slot.id, sku: slot.sku, units: (i + k) % 5 });
    });
    return { device: i % DEVICES, body: JSON.stringify(makeBatch({ deviceId: d.id, seq: seq++, observations })) };
  };
  const run = async (n: number) => {
    const msgs = Array.from({ length: n }, (_, i) => message(i));
    const cpu = process.cpuUsage();
    const before = statements;
    const t0 = performance.now();
    await Promise.all(msgs.map((m) => clients[m.device]!.publishAsync(TOPICS.obs(fleet[m.device]!.id), m.body, { qos: 1 })));
    // the broker acknowledged the devices; the cloud's commit is what is timed
    expected += n * PER_MESSAGE;
    let polls = 0;
    while ((polls++, await count('observations')) < expected) await new Promise((r) => setTimeout(r, 10));
    const s = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    return { msgs: n / s, cpuMs: (used.user + used.system) / 1000 / n, sql: (statements - before - polls) / n };
  };
  await run(Math.min(500, MESSAGES)); // warm-up: JIT, pool, caches
  const r = await run(MESSAGES);
  process.stdout.write(
    `${DEVICES} devices, ${MESSAGES} messages of ${PER_MESSAGE} observations: ${Math.round(r.msgs)} msgs/s ` +
      `(${Math.round(r.msgs * PER_MESSAGE)} obs/s), ${r.cpuMs.toFixed(2)} CPU ms/message, ${r.sql.toFixed(2)} SQL statements/message\n`,
  );
  process.stdout.write(
    `committed: ${await count('observations')} observations, ${await count('dead_letters')} dead letters, ${await count('live_events')} live events\n`,
  );
  if (process.env.BENCH_SQL)
    for (const [k, n] of [...byText].sort((x, y) => y[1] - x[1]).slice(0, 25)) process.stdout.write(`${String(n).padStart(7)}  ${k}\n`);
  await Promise.all(clients.map((c) => c.endAsync(true)));
} finally {
  await t.close();
  await fleetDb.drop();
}
