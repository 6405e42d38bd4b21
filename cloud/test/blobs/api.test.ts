/**
 * Object storage through the API: snapshots kept and fetched by key, purchase-order PDFs kept
 * when sent, another organisation's key answered as missing; and a store that is down: uploads
 * answer 503 and no row names a blob that is not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ConfigError } from '@smartstock/runtime';
import { TOPICS, encodeSnapshot } from '@smartstock/protocol';
import { loadCloudConfig } from '../../src/config.js';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice } from '../support/device.js';

const DEV = 'blob-edge';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 0xff, 0xd9]);

const get = async (t: TestCloud, path: string, token: string) => {
  const res = await fetch(`${t.cloud.url}${path}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  const type = res.headers.get('content-type') ?? '';
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type, bytes, json: type.includes('json') ? JSON.parse(bytes.toString()) : undefined };
};

async function orderToSend(t: TestCloud, token = t.ownerToken) {
  const supplier = (await t.api('POST', '/api/v1/suppliers', { token, body: { name: `S ${Math.random()}`, email: 'orders@s.test' } })).body;
  const order = await t.api('POST', '/api/v1/orders/create', {
    token,
    body: { venueId: t.demo.venueId, supplierId: supplier.id, lines: [{ itemId: t.demo.items['TITOS-750'], cases: 2 }] },
  });
  expect((await t.api('POST', `/api/v1/orders/${order.body.id}/approve`, { token })).status).toBe(200);
  return order.body.id as string;
}

describe('object storage through the API (filesystem)', () => {
  let t: TestCloud;
  let dev: MqttClient;
  beforeAll(async () => {
    t = await build();
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Blob edge' } });
    dev = await connectDevice(t.cloud.brokerUrl, DEV);
    await dev.subscribeAsync(TOPICS.snapshotRequest(DEV), { qos: 0 });
    dev.on('message', (topic, payload) => {
      const req = JSON.parse(payload.toString()) as { requestId: string; cameraId: string };
      const header = { v: 1 as const, deviceId: DEV, requestId: req.requestId, cameraId: req.cameraId, at: new Date().toISOString() };
      dev.publish(TOPICS.snapshot(DEV), encodeSnapshot({ ...header, status: 'ok', width: 2, height: 2 }, JPEG), { qos: 0 });
    });
  });
  afterAll(async () => {
    await dev?.endAsync();
    await t?.close();
  });

  it('keeps a snapshot under the org, lists it, and serves it by key to the org only', async () => {
    const res = await fetch(`${t.cloud.url}/api/v1/devices/${DEV}/snapshot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cameraId: 'cam-1' }),
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(JPEG);
    const key = res.headers.get('x-blob-key')!;
    expect(key).toMatch(new RegExp(`^org/${t.demo.orgId}/snapshot/${DEV}/cam-1/[^/]+\\.jpg$`));
    expect(res.headers.get('content-location')).toBe(`/api/v1/blobs/${key}`);

    const kept = await get(t, `/api/v1/blobs/${key}`, t.ownerToken);
    expect(kept).toMatchObject({ status: 200, type: 'image/jpeg', bytes: JPEG });
    const listed = await t.api('GET', `/api/v1/devices/${DEV}/snapshots?cameraId=cam-1`, { token: t.ownerToken });
    expect(listed.body).toEqual([{ key, cameraId: 'cam-1', url: `/api/v1/blobs/${key}`, bytes: JPEG.length, takenAt: expect.any(String) }]);

    // another organisation: the key is answered exactly as a missing one, and so is the device
    const other = await t.otherOrg();
    const theirs = await get(t, `/api/v1/blobs/${key}`, other.token);
    expect(theirs.status).toBe(404);
    expect(theirs.json.error).toMatchObject({ code: 'not_found', message: 'blob not found' });
    expect((await t.api('GET', `/api/v1/devices/${DEV}/snapshots`, { token: other.token })).status).toBe(404);
    // a role that may not take snapshots may not read them; a missing blob and a bad key say which
    const bartender = await get(t, `/api/v1/blobs/${key}`, await t.userWithRole('bartender'));
    expect(bartender.json.error).toMatchObject({ code: 'forbidden', message: 'your role may not read snapshot files' });
    const gone = await get(t, `/api/v1/blobs/${key.replace(/[^/]+\.jpg$/, 'gone.jpg')}`, t.ownerToken);
    expect(gone).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    // the slashes encoded, so the URL parser leaves the dots for the route to see
    for (const bad of ['org%2F..%2F..%2Fjwt-secret.jpg', `org/${t.demo.orgId}/secrets/a.jpg`, `org/${t.demo.orgId}/snapshot/a.exe`]) {
      const r = await get(t, `/api/v1/blobs/${bad}`, t.ownerToken);
      expect(r.status, bad).toBe(400);
      expect(r.json.error.field).toBe('key');
    }
  });

  it('keeps the PDF an order was sent as, for the org only', async () => {
    const id = await orderToSend(t);
    expect((await get(t, `/api/v1/orders/${id}/pdf`, t.ownerToken)).json.error.code).toBe('no_pdf');
    expect((await t.api('POST', `/api/v1/orders/${id}/send`, { token: t.ownerToken })).body.status).toBe('sent');
    const pdf = await get(t, `/api/v1/orders/${id}/pdf`, t.ownerToken);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const keys = [];
    for await (const b of t.cloud.blobs.list(`org/${t.demo.orgId}/purchase-order/${id}/`)) keys.push(b.key);
    expect(keys).toEqual([`org/${t.demo.orgId}/purchase-order/${id}/PO-${id.slice(0, 8).toUpperCase()}.pdf`]);
    expect((await get(t, `/api/v1/blobs/${keys[0]}`, t.ownerToken)).bytes).toEqual(pdf.bytes);
  });
});

describe('an S3 store that is down', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build({
      blobs: {
        backend: 's3',
        s3: {
          endpoint: 'http://127.0.0.1:9',
          bucket: 'nowhere',
          forcePathStyle: true,
          accessKeyId: 'testing',
          secretAccessKey: 'testing',
          connectTimeoutMs: 200,
        },
      },
    });
  });
  afterAll(() => t?.close());

  it('a shelf photo upload answers 503 and leaves no job and no row behind', async () => {
    const body = {
      image: JPEG.toString('base64'),
      slots: [
        {
          id: 'left',
          polygon: [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        },
      ],
    };
    const r = await t.api('POST', '/api/v1/vision/analyze-shelf', { token: t.ownerToken, body });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'blob_store_unavailable', message: expect.stringMatching(/nothing was stored/) });
    const count = async (sql: string) => (await t.cloud.db.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await count('SELECT count(*)::int AS n FROM vision_jobs')).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM jobs WHERE name = 'vision_analyze_shelf'")).toBe(0);
  });

  it('sending an order answers 503, mails nothing and keeps the order approved with the reason', async () => {
    const id = await orderToSend(t);
    const r = await t.api('POST', `/api/v1/orders/${id}/send`, { token: t.ownerToken });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('blob_store_unavailable');
    const order = (await t.api('GET', `/api/v1/orders/${id}`, { token: t.ownerToken })).body;
    expect(order).toMatchObject({ status: 'approved', sendError: expect.stringMatching(/object storage is unavailable/) });
    expect((await t.api('GET', `/api/v1/orders/${id}/pdf`, { token: t.ownerToken })).body.error.code).toBe('no_pdf');
  });
});

describe('object storage settings', () => {
  it('are checked once at start-up, the error naming the key', () => {
    const load = (environment: Record<string, string>) => {
      try {
        loadCloudConfig({ environment });
        return undefined;
      } catch (e) {
        return e instanceof ConfigError ? `${e.key} (${e.source})` : e;
      }
    };
    expect(load({ BLOB_BACKEND: 's3' })).toBe('blobs.s3.bucket (defaults)');
    expect(load({ BLOB_BACKEND: 's3', S3_BUCKET: 'Bad_Bucket' })).toBe('blobs.s3.bucket (env S3_BUCKET)');
    expect(load({ BLOB_BACKEND: 's3', S3_BUCKET: 'stock', S3_ACCESS_KEY_ID: 'AKIA' })).toBe('blobs.s3.secretAccessKey (defaults)');
    expect(load({ S3_ENDPOINT: 'minio:9000' })).toBe('blobs.s3.endpoint (env S3_ENDPOINT)');
    expect(load({ BLOB_SNAPSHOT_RETENTION_DAYS: '0' })).toBe('blobs.retentionDays.snapshot (env BLOB_SNAPSHOT_RETENTION_DAYS)');
    const ok = loadCloudConfig({ environment: { BLOB_BACKEND: 's3', S3_BUCKET: 'stock', S3_FORCE_PATH_STYLE: 'true' } });
    expect(ok.blobs).toMatchObject({ backend: 's3', s3: { bucket: 'stock', forcePathStyle: true }, retentionDays: { snapshot: 30 } });
  });
});
