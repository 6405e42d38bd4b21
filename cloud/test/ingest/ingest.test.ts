import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MqttClient } from 'mqtt';
import { TOPICS, encodeSnapshot, uuidv7 } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

const DEV = 'anchor-edge-1';
const square = [
  [0.1, 0.1],
  [0.3, 0.1],
  [0.3, 0.4],
] as [number, number][];

describe('ingest from a device over the embedded TLS broker', () => {
  let t: TestCloud;
  let dev: MqttClient;
  const stockAt = async (itemId: string) => {
    const r = await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock`, { token: t.ownerToken });
    return r.body.levels.find((l: { itemId: string }) => l.itemId === itemId);
  };
  const count = async (sql: string) => (await t.cloud.db.query<{ n: number }>(sql)).rows[0]!.n;

  beforeAll(async () => {
    t = await build();
    expect(
      (await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Back bar' } }))
        .status,
    ).toBe(201);
    dev = await connectDevice(t.cloud.brokerUrl, DEV);
  });
  afterAll(async () => {
    await dev?.endAsync(true);
    await t?.close();
  });

  it('publishes the retained config on saving cameras and tracks the ack', async () => {
    const configs: { revision: number; cameras: { slots: { sku: string | null }[] }[] }[] = [];
    dev.on('message', (topic, payload) => topic === TOPICS.config(DEV) && configs.push(JSON.parse(payload.toString())));
    await dev.subscribeAsync(TOPICS.config(DEV), { qos: 1 });
    const cams = {
      cameras: [
        {
          id: 'cam-1',
          locationId: t.demo.locations.mainBar,
          url: 'rtsp://user:secret@10.0.0.5/stream1',
          slots: [
            { id: 'slot-1', itemId: t.demo.items['TITOS-750'], polygon: square },
            { id: 'slot-2', itemId: t.demo.items['TITOS-750'], polygon: square },
            { id: 'slot-3', itemId: t.demo.items['KRAKEN-750'], polygon: square },
          ],
        },
      ],
    };
    const saved = await t.api('PUT', `/api/v1/devices/${DEV}/cameras`, { token: t.ownerToken, body: cams });
    expect(saved.status).toBe(200);
    expect(saved.body.configRevision).toBe(1);
    const cfg = await waitFor(() => configs.find((c) => c.revision === 1));
    expect(cfg.cameras[0]!.slots.map((s) => s.sku)).toEqual(['TITOS-750', 'TITOS-750', 'KRAKEN-750']);
    await dev.publishAsync(
      TOPICS.configAck(DEV),
      JSON.stringify({ v: 1, deviceId: DEV, revision: 1, status: 'applied', at: new Date().toISOString() }),
      { qos: 1 },
    );
    await waitFor(async () => (await t.api('GET', `/api/v1/devices/${DEV}`, { token: t.ownerToken })).body.configAckedRevision === 1);
  });

  it('stores a batch once, even when redelivered, and the stock level follows the cameras', async () => {
    const batch = makeBatch({
      deviceId: DEV,
      seq: 1,
      observations: [
        makeObservation({ cameraId: 'cam-1', slotId: 'slot-1', sku: 'TITOS-750', count: 2, fills: [1, 1], units: 2 }),
        makeObservation({ cameraId: 'cam-1', slotId: 'slot-2', sku: 'TITOS-750', count: 1, fills: [0.5], units: 0.5 }),
      ],
    });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(batch), { qos: 1 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(batch), { qos: 1 });
    const level = await waitFor(async () => {
      const s = await stockAt(t.demo.items['TITOS-750']!);
      return s?.source === 'camera' && s;
    });
    expect(level).toMatchObject({ level: 2.5, cameraUnits: 2.5, status: 'ok', confidence: expect.any(Number) });
    // the second copy has been processed too once a later message is in (one client, in order)
    await dev.publishAsync(TOPICS.obs(DEV), '{"not":"a batch"}', { qos: 1 });
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM dead_letters')) >= 1);
    expect(await count('SELECT count(*)::int AS n FROM observations')).toBe(2);
  });

  it('pushes observation and stock events over the live WebSocket, and resyncs from a cursor', async () => {
    const url = `${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}`;
    const offer = ['smartstock.v1', `bearer.${t.ownerToken}`];
    const ws = new WebSocket(url, offer);
    const got: { type: string; cursor: number; data: any }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.once('open', r));
    // the server answers the live protocol, never the token
    expect(ws.protocol).toBe('smartstock.v1');
    const o = makeObservation({ cameraId: 'cam-1', slotId: 'slot-3', sku: 'KRAKEN-750', count: 1, fills: [0.25], units: 0.25 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 2, observations: [o] })), { qos: 1 });
    const stock = await waitFor(() => got.find((m) => m.type === 'stock' && m.data.itemId === t.demo.items['KRAKEN-750']));
    expect(stock.data).toMatchObject({ level: 0.25, status: 'low', source: 'camera' });
    expect(got.find((m) => m.type === 'observation')!.data.observations[0]).toMatchObject({ id: o.id, slotId: 'slot-3', trusted: true });
    ws.close();
    // a reconnect with the cursor before these events gets them again
    const first = Math.min(...got.map((m) => m.cursor));
    const again = new WebSocket(`${url}&cursor=${first - 1}`, offer);
    const replay: { cursor: number }[] = [];
    again.on('message', (m) => replay.push(JSON.parse(m.toString())));
    await waitFor(() => replay.length >= got.length);
    expect(replay.map((m) => m.cursor).slice(0, got.length)).toEqual(got.map((m) => m.cursor));
    again.close();
    const refused = (ws: WebSocket) => new Promise((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode)));
    expect(await refused(new WebSocket(url, ['smartstock.v1', 'bearer.forged']))).toBe(401);
    // a token in the URL is refused, even a valid one, even beside a valid subprotocol
    expect(await refused(new WebSocket(`${url}&token=${t.ownerToken}`))).toBe(400);
    expect(await refused(new WebSocket(`${url}&token=${t.ownerToken}`, offer))).toBe(400);
    expect(await refused(new WebSocket(url))).toBe(401);
  });

  it('marks counts from a stale camera as stale and untrusted; status and last will drive device health', async () => {
    const stale = makeOnlineStatus({
      deviceId: DEV,
      cameras: [{ id: 'cam-1', state: 'stale', reason: 'no frame for 30 s', fps: 0, lastFrameAt: null, restarts: 2, droppedFrames: 0 }],
    });
    await dev.publishAsync(TOPICS.status(DEV), JSON.stringify(stale), { qos: 1, retain: true });
    await waitFor(
      async () => (await t.api('GET', `/api/v1/devices/${DEV}`, { token: t.ownerToken })).body.health?.cameras?.[0]?.state === 'stale',
    );
    // a reading from before the report (late out of the device's outbox): the report speaks for it
    const o = makeObservation({
      cameraId: 'cam-1',
      slotId: 'slot-1',
      sku: 'TITOS-750',
      count: 0,
      fills: [],
      units: 0,
      at: new Date(Date.parse(stale.at) - 1000).toISOString(),
    });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 3, observations: [o] })), { qos: 1 });
    const row = await waitFor(
      async () =>
        (await t.cloud.db.query<{ state: string; trusted: boolean }>('SELECT state, trusted FROM observations WHERE id = $1', [o.id]))
          .rows[0],
    );
    expect(row).toEqual({ state: 'stale', trusted: false });
    expect((await stockAt(t.demo.items['TITOS-750']!)).level).toBe(2.5);

    // a second device connection with a will: killing its socket makes the broker publish it
    const willDev = 'anchor-edge-will';
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: willDev, venueId: t.demo.venueId, name: 'Rooftop' } });
    const w = await connectDevice(t.cloud.brokerUrl, willDev, {
      will: {
        topic: TOPICS.status(willDev),
        payload: Buffer.from(JSON.stringify({ v: 1, deviceId: willDev, state: 'offline' })),
        qos: 1,
        retain: true,
      },
    });
    await w.publishAsync(TOPICS.status(willDev), JSON.stringify(makeOnlineStatus({ deviceId: willDev })), { qos: 1, retain: true });
    await waitFor(async () => (await t.api('GET', `/api/v1/devices/${willDev}`, { token: t.ownerToken })).body.online === true);
    w.stream.destroy();
    await waitFor(async () => (await t.api('GET', `/api/v1/devices/${willDev}`, { token: t.ownerToken })).body.online === false);
  });

  it('a slot is stale only while its camera is: the first readings after a pause, ahead of the status, are live', async () => {
    // the camera is stale (the previous test's status); the live feed shows what follows
    const ws = new WebSocket(`${t.cloud.url.replace('http', 'ws')}/api/v1/live?venueId=${t.demo.venueId}`, [
      'smartstock.v1',
      `bearer.${t.ownerToken}`,
    ]);
    const got: { type: string; data: any }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.once('open', r));
    const slotEvent = (id: string) =>
      got.flatMap((m) => (m.type === 'observation' ? m.data.observations : [])).find((x: { id: string }) => x.id === id);

    // during the pause the device says so itself
    const paused = makeObservation({
      cameraId: 'cam-1',
      slotId: 'slot-2',
      sku: 'TITOS-750',
      count: 1,
      fills: [0.5],
      units: 0.5,
      state: 'stale',
    });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 4, observations: [paused] })), { qos: 1 });
    expect(await waitFor(() => slotEvent(paused.id))).toMatchObject({ state: 'stale', trusted: false });

    // frames again: the device's first readings reach the cloud before its "streaming" status
    const resumed = makeObservation({ cameraId: 'cam-1', slotId: 'slot-1', sku: 'TITOS-750', count: 2, fills: [1, 1], units: 2 });
    const still = makeObservation({ cameraId: 'cam-1', slotId: 'slot-2', sku: 'TITOS-750', count: 1, fills: [0.5], units: 0.5 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 5, observations: [resumed, still] })), {
      qos: 1,
    });
    expect(await waitFor(() => slotEvent(resumed.id))).toMatchObject({ state: 'ok', trusted: true });
    expect(slotEvent(still.id)).toMatchObject({ state: 'ok', trusted: true });
    const rows = await t.cloud.db.query<{ state: string; trusted: boolean }>(
      'SELECT state, trusted FROM observations WHERE id = ANY($1::uuid[]) ORDER BY slot_id',
      [[resumed.id, still.id]],
    );
    expect(rows.rows).toEqual([
      { state: 'ok', trusted: true },
      { state: 'ok', trusted: true },
    ]);
    // the camera's counts move stock again at once, not at the next heartbeat minutes later
    expect(await waitFor(() => got.find((m) => m.type === 'stock' && m.data.itemId === t.demo.items['TITOS-750'])?.data)).toMatchObject({
      level: 2.5,
      source: 'camera',
    });

    await dev.publishAsync(TOPICS.status(DEV), JSON.stringify(makeOnlineStatus({ deviceId: DEV })), { qos: 1, retain: true });
    const device = await waitFor(() => got.find((m) => m.type === 'device' && m.data.health?.cameras?.[0]?.state === 'streaming'));
    expect(device.data.deviceId).toBe(DEV);
    ws.close();
  });

  it('dead-letters a batch naming another device, and one from an unregistered device', async () => {
    const before = await count('SELECT count(*)::int AS n FROM dead_letters');
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: 'someone-else' })), { qos: 1 });
    const stranger = await connectDevice(t.cloud.brokerUrl, 'unregistered-edge');
    await stranger.publishAsync(TOPICS.obs('unregistered-edge'), JSON.stringify(makeBatch({ deviceId: 'unregistered-edge' })), { qos: 1 });
    await stranger.endAsync();
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM dead_letters')) >= before + 2);
    const reasons = (await t.cloud.db.query<{ reason: string }>('SELECT reason FROM dead_letters ORDER BY id DESC LIMIT 2')).rows.map(
      (r) => r.reason,
    );
    expect(reasons.sort()).toEqual([expect.stringMatching(/^device mismatch/), 'unknown device']);
  });

  it('refuses a device publishing on another device’s topic, and a client id that is not its CN', async () => {
    const intruder = await connectDevice(t.cloud.brokerUrl, 'intruder-edge');
    const closed = new Promise<void>((r) => intruder.once('close', () => r()));
    const forged = makeObservation({ id: uuidv7() });
    intruder.publish(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, observations: [forged] })), { qos: 1 });
    await closed;
    // a legitimate message after it has gone through, so the forged one would have too
    const marker = makeObservation({ cameraId: 'cam-1', slotId: 'slot-9', sku: null, count: 0, fills: [], units: 0 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 9, observations: [marker] })), { qos: 1 });
    await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM observations WHERE id = '${marker.id}'`)) === 1);
    expect(await count(`SELECT count(*)::int AS n FROM observations WHERE id = '${forged.id}'`)).toBe(0);
    await expect(connectDevice(t.cloud.brokerUrl, 'intruder-edge', { clientId: DEV })).rejects.toThrow(
      /Not authorized|not authorized|Connection refused/i,
    );
  });

  it('returns a snapshot the device sends back, 504 when it does not answer, 502 with its reason when it cannot', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    await dev.subscribeAsync(TOPICS.snapshotRequest(DEV), { qos: 0 });
    const answer = (topic: string, payload: Buffer) => {
      if (topic !== TOPICS.snapshotRequest(DEV)) return;
      const req = JSON.parse(payload.toString()) as { requestId: string; cameraId: string };
      const header = {
        v: 1 as const,
        deviceId: DEV,
        requestId: req.requestId,
        cameraId: req.cameraId,
        at: new Date().toISOString(),
        status: 'ok' as const,
        width: 2,
        height: 2,
      };
      dev.publish(TOPICS.snapshot(DEV), encodeSnapshot(header, jpeg), { qos: 0 });
    };
    dev.on('message', answer);
    const res = await fetch(`${t.cloud.url}/api/v1/devices/${DEV}/snapshot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cameraId: 'cam-1' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(jpeg);
    dev.off('message', answer);
    const none = await t.api('POST', `/api/v1/devices/${DEV}/snapshot`, { token: t.ownerToken, body: { cameraId: 'cam-1' } });
    expect(none.status).toBe(504);

    // a device that answers but cannot take one says why, and the manager reads it
    const refuse = (topic: string, payload: Buffer) => {
      if (topic !== TOPICS.snapshotRequest(DEV)) return;
      const req = JSON.parse(payload.toString()) as { requestId: string; cameraId: string };
      const header = { v: 1 as const, deviceId: DEV, requestId: req.requestId, cameraId: req.cameraId, at: new Date().toISOString() };
      const error = `camera "${req.cameraId}" has no frame yet`;
      dev.publish(TOPICS.snapshot(DEV), encodeSnapshot({ ...header, status: 'error', width: 0, height: 0, error }), { qos: 0 });
    };
    dev.on('message', refuse);
    const failed = await t.api('POST', `/api/v1/devices/${DEV}/snapshot`, { token: t.ownerToken, body: { cameraId: 'cam-1' } });
    dev.off('message', refuse);
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({ code: 'device_error' });
    expect(failed.body.error.message).toContain('camera "cam-1" has no frame yet');
  });

  it('refuses a revoked device at connect', async () => {
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: 'retired-edge', venueId: t.demo.venueId, name: 'Old' } });
    expect((await t.api('POST', '/api/v1/devices/retired-edge/revoke', { token: t.ownerToken })).status).toBe(200);
    await expect(connectDevice(t.cloud.brokerUrl, 'retired-edge')).rejects.toThrow();
  });
});
