/**
 * npm run bench -w cloud: on PostgreSQL (a private database on BENCH_DATABASE_URL's
 * server, created and dropped here) with the embedded broker, prints and writes to
 * bench-results/cloud.json:
 * - raw UNNEST insert rows/s (the repository, no MQTT);
 * - ingest obs/s end to end (device publish over TLS → committed row), its ratio to raw,
 *   and publish → committed p50/p99 when paced at 1,000 obs/s;
 * - live push latency, commit → WebSocket message, p50/p99;
 * - GET /api/v1/inventory/items over 10,000 items, req/s next to a bare Fastify route
 *   in the same process, and the ratio.
 * Asserts nothing: speed is read from the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import WebSocket from 'ws';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { build } from '../test/support/cloud.js';
import { connectDevice } from '../test/support/device.js';
import { repos } from '../test/support/repos.js';
import type { LiveData } from '@smartstock/api';
import { load, pct } from './load.js';

const COMMAND = 'npm run bench -w cloud';
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const PER_BATCH = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_${process.pid}`;
const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A stock message of the contract's shape; the bench times its delivery, the figures are made up. */
const benchLevel = (i: number): LiveData<'stock'> => ({
  itemId: '00000000-0000-4000-8000-000000000001',
  locationId: '00000000-0000-4000-8000-000000000002',
  sku: 'BENCH',
  name: 'bench',
  level: i,
  parLevel: 10,
  reorderPoint: 2,
  status: 'ok',
  source: 'manual',
  cameraUnits: null,
  confidence: null,
  updatedAt: new Date(),
  watched: false,
  onShelf: { units: null, source: null, lastCount: null },
  offCamera: { units: i, source: null, lastCount: null },
});

const t = await build({ database: { url: dbUrl } });
try {
  const dev = 'bench-edge';
  await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: dev, venueId: t.demo.venueId, name: 'Bench' } });
  const r = repos(t.cloud.db);
  const committed = async (id: string) => (await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [id])).rows.length > 0;

  // raw: the repository's UNNEST insert, no MQTT
  let t0 = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const rows = Array.from({ length: PER_BATCH }, () => ({ ...makeObservation(), trusted: true }));
    await r.observations.insertBatch(t.demo.orgId, dev, i, rows);
  }
  const raw = (BATCHES * PER_BATCH) / ((performance.now() - t0) / 1000);

  // end to end, flat out: each batch published once the last is committed
  const client = await connectDevice(t.cloud.brokerUrl, dev);
  let seq = 0;
  const publish = async () => {
    const b = makeBatch({ deviceId: dev, seq: seq++, observations: Array.from({ length: PER_BATCH }, () => makeObservation()) });
    await client.publishAsync(TOPICS.obs(dev), JSON.stringify(b), { qos: 1 });
    return b.observations[PER_BATCH - 1]!.id;
  };
  t0 = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const last = await publish();
    while (!(await committed(last))) await wait(2);
  }
  const e2e = (BATCHES * PER_BATCH) / ((performance.now() - t0) / 1000);

  // end to end, every batch in flight at once (a device's outbox draining, or many devices): the
  // cloud commits what arrived while the last transaction committed in one transaction
  t0 = performance.now();
  const lasts = await Promise.all(Array.from({ length: BATCHES }, publish));
  while ((await r.observations.countByIds(lasts)) < BATCHES) await wait(2);
  const inFlight = (BATCHES * PER_BATCH) / ((performance.now() - t0) / 1000);
  process.stdout.write(
    `raw ${Math.round(raw)} rows/s; ingest sequential ${Math.round(e2e)} obs/s; ${BATCHES} batches in flight ${Math.round(inFlight)} obs/s\n`,
  );

  // paced at 1,000 obs/s (20 batches of 50 a second): publish → row committed, per batch
  const paced: Promise<number>[] = [];
  for (let i = 0; i < SECONDS * 20; i++) {
    const sent = performance.now();
    paced.push(
      publish().then(async (last) => {
        while (!(await committed(last))) await wait(5);
        return performance.now() - sent;
      }),
    );
    await wait(Math.max(0, sent + 50 - performance.now()));
  }
  const latencies = await Promise.all(paced);
  await client.endAsync(true);

  // live: commit of a live event → its message on a WebSocket
  const ws = new WebSocket(`${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}`, [
    'smartstock.v1',
    `bearer.${t.ownerToken}`,
  ]);
  const arrived = new Map<number, number>();
  ws.on('message', (m) => arrived.set((JSON.parse(m.toString()) as { cursor: number }).cursor, performance.now()));
  await new Promise((x) => ws.once('open', x));
  const commits = new Map<number, number>();
  for (let i = 0; i < 200; i++) {
    const id = await t.cloud.db.transaction((tx) => repos(tx).live.append(t.demo.orgId, t.demo.venueId, 'stock', benchLevel(i)));
    commits.set(id, performance.now());
    await wait(5);
  }
  while (arrived.size < commits.size) await wait(10);
  ws.close();
  const push = [...commits].map(([id, at]) => arrived.get(id)! - at);

  // items: 10,000 of them, the list route against a bare route of a second Fastify in this process
  await t.cloud.db.query(
    `INSERT INTO items (org_id, sku, name, category, unit_cost)
     SELECT $1, 'BENCH-' || g, 'Bench bottle ' || md5(g::text), 'spirits', 20 FROM generate_series(1, 10000) g`,
    [t.demo.orgId],
  );
  await t.cloud.db.query('ANALYZE items');
  const bare = Fastify();
  bare.get('/bare', async () => ({ ok: true }));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const opts = { seconds: SECONDS, concurrency: 16 };
  await load(`${bareUrl}/bare`, { ...opts, seconds: 1 }); // warm-up
  const bareRps = await load(`${bareUrl}/bare`, opts);
  const auth = { authorization: `Bearer ${t.ownerToken}` };
  await load(`${t.cloud.url}/api/v1/inventory/items`, { ...opts, seconds: 1, headers: auth });
  const itemsRps = await load(`${t.cloud.url}/api/v1/inventory/items`, { ...opts, headers: auth });
  await bare.close();

  const rows = [
    { figure: 'raw UNNEST insert (PostgreSQL)', value: Math.round(raw), unit: 'rows/s' },
    { figure: 'ingest end to end (sequential 50-obs batches)', value: Math.round(e2e), unit: 'obs/s' },
    { figure: 'ingest / raw', value: Number((e2e / raw).toFixed(2)), unit: 'ratio', target: '≥ 0.25' },
    { figure: `ingest end to end (${BATCHES} 50-obs batches in flight)`, value: Math.round(inFlight), unit: 'obs/s' },
    { figure: 'ingest in flight / raw', value: Number((inFlight / raw).toFixed(2)), unit: 'ratio', target: '≥ 0.25' },
    { figure: 'publish → committed p50 at 1,000 obs/s', value: Math.round(pct(latencies, 50)), unit: 'ms per 50-obs batch' },
    {
      figure: 'publish → committed p99 at 1,000 obs/s',
      value: Math.round(pct(latencies, 99)),
      unit: 'ms per 50-obs batch',
      target: '≤ 250',
    },
    { figure: 'live push commit → WebSocket p50', value: Number(pct(push, 50).toFixed(1)), unit: 'ms' },
    { figure: 'live push commit → WebSocket p99', value: Number(pct(push, 99).toFixed(1)), unit: 'ms', target: '≤ 200' },
    { figure: 'bare Fastify route', value: Math.round(bareRps), unit: 'req/s' },
    { figure: 'GET /api/v1/inventory/items (10,000 items, page of 50)', value: Math.round(itemsRps), unit: 'req/s' },
    { figure: 'items route / bare', value: Number((itemsRps / bareRps).toFixed(2)), unit: 'ratio', target: '≥ 0.3' },
  ].map((row) => ({ ...row, command: COMMAND }));
  console.table(Object.fromEntries(rows.map(({ figure, value, unit, target }) => [figure, { value, unit, target: target ?? '' }])));
  const dir = new URL('../../bench-results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('cloud.json', dir), JSON.stringify({ rows }, null, 2) + '\n');
} finally {
  await t.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
