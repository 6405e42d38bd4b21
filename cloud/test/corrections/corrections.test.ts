import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import sharp from 'sharp';
import { TOPICS, encodeSnapshot } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCorrections } from '@smartstock/models';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

const DEV = 'corrections-edge';
const SLOT = `/api/v1/devices/${DEV}/cameras/cam-1/slots/slot-1/corrections`;

describe('slot corrections over real HTTP, with a device answering snapshots over MQTT', () => {
  let t: TestCloud;
  let dev: MqttClient;
  let frame: Buffer;
  let firstObservation: string;
  const asked: { overlay?: boolean }[] = [];
  const titos = () => t.demo.items['TITOS-750']!;
  const stock = async () =>
    (await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock`, { token: t.ownerToken })).body.levels.find(
      (l: { itemId: string }) => l.itemId === titos(),
    );
  const answerSnapshots = (topic: string, payload: Buffer) => {
    if (topic !== TOPICS.snapshotRequest(DEV)) return;
    const req = JSON.parse(payload.toString()) as { requestId: string; cameraId: string; overlay?: boolean };
    asked.push(req);
    const header = { v: 1 as const, deviceId: DEV, requestId: req.requestId, cameraId: req.cameraId, at: new Date().toISOString() };
    dev.publish(TOPICS.snapshot(DEV), encodeSnapshot({ ...header, status: 'ok', width: 200, height: 100 }, frame), { qos: 0 });
  };

  beforeAll(async () => {
    t = await build();
    // a 200×100 frame: red left half, blue right half, so the crop's colour shows which part was cut
    frame = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#0000ff' } })
      .composite([{ input: { create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
      .jpeg()
      .toBuffer();
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Back bar' } });
    const polygon = [
      [0.1, 0.2],
      [0.4, 0.2],
      [0.4, 0.8],
      [0.1, 0.8],
    ];
    const cams = await t.api('PUT', `/api/v1/devices/${DEV}/cameras`, {
      token: t.ownerToken,
      body: {
        cameras: [
          {
            id: 'cam-1',
            locationId: t.demo.locations.mainBar,
            url: 'rtsp://10.0.0.5/s',
            slots: [{ id: 'slot-1', itemId: titos(), polygon }],
          },
        ],
      },
    });
    expect(cams.status).toBe(200);
    dev = await connectDevice(t.cloud.brokerUrl, DEV);
    await dev.subscribeAsync(TOPICS.snapshotRequest(DEV), { qos: 0 });
    await dev.publishAsync(TOPICS.status(DEV), JSON.stringify(makeOnlineStatus({ deviceId: DEV })), { qos: 1, retain: true });
    const obs = makeObservation({ cameraId: 'cam-1', slotId: 'slot-1', sku: 'TITOS-750', count: 2, fills: [1, 0.5], units: 1.5 });
    firstObservation = obs.id;
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 1, observations: [obs] })), { qos: 1 });
    await waitFor(async () => (await stock())?.source === 'camera');
    await waitFor(async () => (await t.api('GET', `/api/v1/devices/${DEV}`, { token: t.ownerToken })).body.online);
  });
  afterAll(async () => {
    await dev?.endAsync(true);
    await t?.close();
  });

  it('stores the true count with the model answer and a crop of the slot, and stock follows the true count', async () => {
    expect((await stock()).level).toBe(1.5);
    dev.on('message', answerSnapshots);
    const r = await t.api('POST', SLOT, { token: t.ownerToken, body: { trueCount: 3, note: 'one hidden behind the Kraken' } });
    dev.off('message', answerSnapshots);
    expect(r.status).toBe(201);
    expect(r.body.correction).toMatchObject({
      slotId: 'slot-1',
      modelCount: 2,
      modelFills: [1, 0.5],
      trueCount: 3,
      note: 'one hidden behind the Kraken',
    });
    expect(r.body.cropMissing).toBeNull();
    // a training crop must not show the model its own boxes
    expect(asked.map((q) => q.overlay)).toEqual([false]);
    // the slot is x 0.1-0.4, y 0.2-0.8 of 200×100, plus a 3% margin: 72×66 px, all of it from the red half
    expect(r.body.crop).toMatchObject({ width: 72, height: 66 });
    const audit = await t.cloud.db.query<{ entity_id: string }>(`SELECT entity_id FROM audit_log WHERE action = 'correct'`);
    expect(audit.rows).toEqual([{ entity_id: `${DEV}/cam-1/slot-1` }]);
    // three bottles at the model's mean fill (0.75): the level moves from 1.5 to 2.25 until the camera's next reading
    expect(r.body.stock).toMatchObject({ itemId: titos(), level: 2.25 });
    const jpeg = await fetch(`${t.cloud.url}/api/v1/corrections/${r.body.correction.id}/crop`, {
      headers: { authorization: `Bearer ${t.ownerToken}` },
    });
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const { data, info } = await sharp(Buffer.from(await jpeg.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([72, 66]);
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(60);
  });

  it('keeps the correction without a crop when the device cannot send a frame, and says why', async () => {
    const r = await t.api('POST', SLOT, { token: t.ownerToken, body: { trueCount: 1, trueFills: [0.4] } });
    expect(r.status).toBe(201);
    expect(r.body.crop).toBeNull();
    expect(r.body.cropMissing).toMatch(/did not send a snapshot/);
    expect(r.body.stock.level).toBe(0.4);
    const crop = await t.api('GET', `/api/v1/corrections/${r.body.correction.id}/crop`, { token: t.ownerToken });
    expect(crop.status).toBe(404);
    expect(crop.body.error.code).toBe('no_crop');
  });

  it('rejects a bad true count with 400 naming the field, and changes nothing', async () => {
    const before = (await t.api('GET', '/api/v1/corrections', { token: t.ownerToken })).body.corrections.length;
    for (const [body, field] of [
      [{ trueCount: -1 }, 'body.trueCount'],
      [{ trueCount: 5000 }, 'body.trueCount'],
      [{ trueCount: 1.5 }, 'body.trueCount'],
      [{}, 'body.trueCount'],
      [{ trueCount: 2, trueFills: [0.5] }, 'trueFills'],
      [{ trueCount: 1, trueFills: [1.5] }, 'body.trueFills.0'],
    ] as const) {
      const r = await t.api('POST', SLOT, { token: t.ownerToken, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await t.api('GET', '/api/v1/corrections', { token: t.ownerToken })).body.corrections).toHaveLength(before);
    const unknown = await t.api('POST', `/api/v1/devices/${DEV}/cameras/cam-1/slots/nope/corrections`, {
      token: t.ownerToken,
      body: { trueCount: 1 },
    });
    expect(unknown.status).toBe(404);
  });

  it('lets counting roles correct and exporting roles export', async () => {
    const tech = await t.userWithRole('technician');
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('POST', SLOT, { token: tech, body: { trueCount: 1 } })).status).toBe(403);
    expect((await t.api('POST', SLOT, { token: bartender, body: { trueCount: 1 } })).status).toBe(201);
    const exportAs = (token: string) =>
      fetch(`${t.cloud.url}/api/v1/corrections/export`, { headers: { authorization: `Bearer ${token}` } });
    expect((await exportAs(bartender)).status).toBe(403);
    expect((await exportAs(tech)).status).toBe(200);
  });

  it('lists newest first with a cursor and filters, and exports a labelled set as JSON lines', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { corrections: { id: string }[]; nextCursor: string | null } } = await t.api(
        'GET',
        `/api/v1/corrections?limit=1&cameraId=cam-1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: t.ownerToken },
      );
      seen.push(...r.body.corrections.map((c) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect((await t.api('GET', '/api/v1/corrections?cameraId=cam-9', { token: t.ownerToken })).body.corrections).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await t.api('GET', `/api/v1/corrections?since=${future}`, { token: t.ownerToken })).body.corrections).toEqual([]);
    expect((await t.api('GET', '/api/v1/corrections?cursor=junk', { token: t.ownerToken })).body.error.field).toBe('cursor');

    const res = await fetch(`${t.cloud.url}/api/v1/corrections/export`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(seen);
    const withCrop = lines.find((l) => l.crop);
    expect(withCrop).toMatchObject({ v: 1, label: { count: 3, fills: null }, model: { count: 2, fills: [1, 0.5] }, crop: { width: 72 } });
    expect((await sharp(Buffer.from(withCrop.crop.jpegBase64, 'base64')).metadata()).format).toBe('jpeg');
  });

  it("becomes the labelled set models/ trains on (npm run export:corrections's code, against this cloud)", async () => {
    const out = await mkdtemp(join(tmpdir(), 'labelled-'));
    try {
      expect(await exportCorrections({ url: t.cloud.url, token: t.ownerToken, out })).toEqual({ images: 1, withoutCrop: 2 });
      const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'));
      expect(coco.images[0]).toMatchObject({ true_count: 3, model_count: 2, width: 72, height: 66, slot_id: 'slot-1' });
      expect((await sharp(join(out, coco.images[0].file_name)).metadata()).width).toBe(72);
      await expect(exportCorrections({ url: t.cloud.url, token: 'nonsense', out })).rejects.toThrow(/answered 401/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("hides another organisation's corrections", async () => {
    const b = await t.otherOrg();
    expect((await t.api('GET', '/api/v1/corrections', { token: b.token })).body.corrections).toEqual([]);
    const export_ = await fetch(`${t.cloud.url}/api/v1/corrections/export`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(await export_.text()).toBe('');
    expect((await t.api('POST', SLOT, { token: b.token, body: { trueCount: 1 } })).status).toBe(404);
  });

  it('correcting an older reading is training data only: stock follows the newest one', async () => {
    const newer = makeObservation({ cameraId: 'cam-1', slotId: 'slot-1', sku: 'TITOS-750', count: 1, fills: [0.9], units: 0.9 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 2, observations: [newer] })), { qos: 1 });
    await waitFor(async () => (await stock())?.level === 0.9);
    const r = await t.api('POST', SLOT, { token: t.ownerToken, body: { trueCount: 3, observationId: firstObservation } });
    expect(r.status).toBe(201);
    expect(r.body.correction).toMatchObject({ observationId: firstObservation, modelCount: 2, transactionId: null });
    expect(r.body.stock).toBeNull();
    expect((await stock()).level).toBe(0.9);
    const elsewhere = await t.api('POST', SLOT, { token: t.ownerToken, body: { trueCount: 1, observationId: crypto.randomUUID() } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.field).toBe('observationId');
  });

  it("records the model versions the device runs on its readings, and each correction keeps its reading's", async () => {
    const models = makeOnlineStatus({ deviceId: DEV }).models;
    const obs = makeObservation({ cameraId: 'cam-1', slotId: 'slot-1', sku: 'TITOS-750', count: 2, fills: [1, 1], units: 2 });
    await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(makeBatch({ deviceId: DEV, seq: 3, observations: [obs] })), { qos: 1 });
    await waitFor(async () => (await stock())?.level === 2);
    const row = await t.cloud.db.query<{ model_versions: unknown }>('SELECT model_versions FROM observations WHERE id = $1', [obs.id]);
    expect(row.rows[0]!.model_versions).toEqual(models);
    const r = await t.api('POST', SLOT, { token: t.ownerToken, body: { trueCount: 3 } });
    expect(r.body.correction).toMatchObject({ observationId: obs.id, modelVersions: models });
    const res = await fetch(`${t.cloud.url}/api/v1/corrections/export`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
    const line = JSON.parse((await res.text()).split('\n')[0]!);
    expect(line).toMatchObject({ id: r.body.correction.id, model: { count: 2, versions: models } });
  });
});
