import { it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { build } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

it('probe embedded', { timeout: 120_000 }, async () => {
  const t = await build();
  const DEV = 'probe-edge';
  await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'P' } });
  const q = async (sql: string) => (await t.cloud.db.query(sql)).rows;
  // MQTT 5
  const v5 = await connectDevice(t.cloud.brokerUrl, DEV, { protocolVersion: 5 }).catch((e) => e);
  console.log('v5:', v5 instanceof Error ? `${v5.message} code=${(v5 as any).code}` : 'connected');
  if (!(v5 instanceof Error)) await v5.endAsync(true);
  const dev = await connectDevice(t.cloud.brokerUrl, DEV);
  dev.on('close', () => console.log('dev closed'));
  // QoS 2
  const b = makeBatch({ deviceId: DEV, observations: [makeObservation()] });
  await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(b), { qos: 2 });
  await waitFor(async () => (await q(`SELECT 1 FROM observations WHERE id='${b.observations[0]!.id}'`)).length === 1);
  console.log('qos2 stored');
  // subscribe to #
  const g = await dev.subscribeAsync(['#', 'smartstock/v1/+/config', '$SYS/#']).catch((e) => e.message);
  console.log('subs:', JSON.stringify(g));
  // unknown topic under own subtree, retained
  await dev.publishAsync(`smartstock/v1/${DEV}/junk/1`, Buffer.alloc(100_000, 1), { qos: 1, retain: true }).then(() => console.log('junk retained accepted'), (e) => console.log('junk', e.message));
  await dev.publishAsync(TOPICS.config(DEV), 'garbage', { qos: 1, retain: true }).then(() => console.log('config retained accepted'), (e) => console.log('cfg', e.message));
  await dev.publishAsync(TOPICS.obs(DEV), 'garbage-retained', { qos: 1, retain: true }).then(() => console.log('obs retained accepted'), (e) => console.log('obsr', e.message));
  // invalid utf-8
  const bad = makeBatch({ deviceId: DEV, observations: [makeObservation({ sku: 'ABC' })] });
  const raw = Buffer.from(JSON.stringify(bad).replace('"ABC"', '"A\u0001C"'));
  raw[raw.indexOf(1)] = 0xff;
  await dev.publishAsync(TOPICS.obs(DEV), raw, { qos: 1 });
  // seq 1e308, numbers as strings, deep nesting, proto
  await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify({ ...makeBatch({ deviceId: DEV, observations: [makeObservation()] }), seq: 1e308 }), { qos: 1 });
  await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify({ ...makeBatch({ deviceId: DEV, observations: [makeObservation()] }), seq: 2 ** 60 }), { qos: 1 });
  await dev.publishAsync(TOPICS.obs(DEV), '['.repeat(100_000) + ']'.repeat(100_000), { qos: 1 });
  await dev.publishAsync(TOPICS.status(DEV), JSON.stringify({ ...makeOnlineStatus({ deviceId: DEV }), uptimeS: 1e308, models: JSON.parse('{"__proto__":"x","constructor":"y"}') }).replace('"models":{}', '"models":{"__proto__":"x","constructor":"y"}'), { qos: 1 });
  await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify({ ...makeBatch({ deviceId: DEV, observations: [makeObservation({ at: '9999-12-31T23:59:59Z' }), makeObservation({ at: '1970-01-01T00:00:00Z' })] }), seq: 3 }), { qos: 1 });
  await new Promise((r) => setTimeout(r, 2000));
  console.log('dead:', JSON.stringify(await q('SELECT topic, reason FROM dead_letters ORDER BY id'), null, 1));
  console.log('obs:', JSON.stringify(await q('SELECT id, at, sku, trusted, batch_seq FROM observations ORDER BY at')));
  console.log('health', JSON.stringify(await q(`SELECT health FROM devices WHERE id='${DEV}'`)));
  // will claiming other
  const w = await connectDevice(t.cloud.brokerUrl, 'will-edge', { will: { topic: TOPICS.status(DEV), payload: Buffer.from(JSON.stringify({ v: 1, deviceId: DEV, state: 'offline' })), qos: 1, retain: true } });
  w.stream.destroy();
  // long client id
  const long = await connectDevice(t.cloud.brokerUrl, DEV, { clientId: 'x'.repeat(60_000) }).catch((e) => e);
  console.log('long:', long instanceof Error ? long.message : 'connected');
  await new Promise((r) => setTimeout(r, 1000));
  console.log('health after will', JSON.stringify(await q(`SELECT online FROM devices WHERE id='${DEV}'`).catch((e) => e.message)));
  await dev.endAsync(true).catch(() => {});
  await t.close();
});
