/**
 * npm run bench -w cloud: raw UNNEST insert rows/s, then end-to-end ingest
 * (device publish over TLS → committed row) obs/s with p50/p99 latency, on
 * the embedded defaults (PGlite, aedes). Prints figures; asserts nothing.
 */
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { build } from '../test/support/cloud.js';
import { connectDevice } from '../test/support/device.js';
import { repos } from '../src/repositories/index.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const PER_BATCH = 50;
const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const t = await build();
const dev = 'bench-edge';
await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: dev, venueId: t.demo.venueId, name: 'Bench' } });
const r = repos(t.cloud.db);

// raw: the repository's UNNEST insert, no MQTT
let t0 = performance.now();
for (let i = 0; i < BATCHES; i++) {
  const rows = Array.from({ length: PER_BATCH }, () => ({ ...makeObservation(), trusted: true }));
  await r.observations.insertBatch(t.demo.orgId, dev, i, rows);
}
const raw = (BATCHES * PER_BATCH) / ((performance.now() - t0) / 1000);

// end to end: publish → committed, latency per batch
const client = await connectDevice(t.cloud.brokerUrl, dev);
const latencies: number[] = [];
t0 = performance.now();
for (let i = 0; i < BATCHES; i++) {
  const b = makeBatch({ deviceId: dev, seq: i, observations: Array.from({ length: PER_BATCH }, () => makeObservation()) });
  const last = b.observations[PER_BATCH - 1]!.id;
  const sent = performance.now();
  await client.publishAsync(TOPICS.obs(dev), JSON.stringify(b), { qos: 1 });
  while ((await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [last])).rows.length === 0)
    await new Promise((x) => setTimeout(x, 2));
  latencies.push(performance.now() - sent);
}
const e2e = (BATCHES * PER_BATCH) / ((performance.now() - t0) / 1000);
await client.endAsync(true);
await t.close();

console.table({
  'raw UNNEST insert (PGlite)': { value: Math.round(raw), unit: 'rows/s' },
  'ingest end to end (sequential batches)': { value: Math.round(e2e), unit: 'obs/s' },
  'ingest / raw': { value: Number((e2e / raw).toFixed(2)), unit: 'ratio (target ≥ 0.25)' },
  'publish → committed p50': { value: Math.round(pct(latencies, 50)), unit: `ms per ${PER_BATCH}-obs batch` },
  'publish → committed p99': { value: Math.round(pct(latencies, 99)), unit: `ms per ${PER_BATCH}-obs batch` },
});
