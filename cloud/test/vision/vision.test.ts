/** The photo endpoints through real HTTP, with the real bottle models in the worker thread. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { DEFAULT_MODEL_DIR, makeScene, renderScene, type RenderedScene } from '@smartstock/models';
import { build, type TestCloud } from '../support/cloud.js';
import { waitFor } from '../support/device.js';

const DEV = 'vision-edge-1';
const half = (left: boolean) =>
  (left
    ? [
        [0, 0],
        [0.5, 0],
        [0.5, 1],
        [0, 1],
      ]
    : [
        [0.5, 0],
        [1, 0],
        [1, 1],
        [0.5, 1],
      ]) as [number, number][];

describe('vision photo endpoints', () => {
  let t: TestCloud;
  let shelf: RenderedScene;

  const post = async (path: string, body: Buffer | string, type: string, token = t.ownerToken) => {
    const res = await fetch(`${t.cloud.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const poll = async (jobId: string, token = t.ownerToken) =>
    waitFor(async () => {
      const r = await t.api('GET', `/api/v1/vision/processing-status/${jobId}`, { token });
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    }, 100);

  beforeAll(async () => {
    t = await build();
    shelf = await renderScene(makeScene({ seed: 3_100_001, width: 960, height: 540 }));
  });
  afterAll(async () => t?.close());

  it('detect-bottles: one photo in, bottles with boxes inside the picture and fills out', async () => {
    const r = await post('/api/v1/vision/detect-bottles', shelf.jpeg, 'image/jpeg');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ width: 960, height: 540 });
    expect(Object.keys(r.body.modelVersions).length).toBeGreaterThan(0);
    const truth = shelf.bottles.filter((b) => !b.ignore).length;
    expect(r.body.bottles.length).toBeGreaterThan(truth / 2);
    for (const b of r.body.bottles) {
      expect(b.box.x).toBeGreaterThanOrEqual(0);
      expect(b.box.x + b.box.w).toBeLessThanOrEqual(961);
      expect(b.fill === null || (b.fill >= 0 && b.fill <= 1)).toBe(true);
    }
  });

  it('detect-bottles reads a photo as one taken by hand: bottles lying on their side are found, and given no fill', async () => {
    // the shelf photographed turned a quarter: every bottle lies on its side (a crate, a wine rack)
    const lying = await sharp(shelf.jpeg).rotate(90).jpeg({ quality: 90 }).toBuffer();
    const r = await post('/api/v1/vision/detect-bottles', lying, 'image/jpeg');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ width: 540, height: 960 });
    const found = r.body.bottles.filter((b: { lying: boolean }) => b.lying);
    const truth = shelf.bottles.filter((b) => !b.ignore).length;
    expect(found.length, `${found.length} lying of ${r.body.bottles.length} found, ${truth} there`).toBeGreaterThan(truth / 3);
    for (const b of found) expect(b.fill).toBeNull();
    // upright, the same shelf gives lying bottles no more than a few stray turned boxes
    const upright = await post('/api/v1/vision/detect-bottles', shelf.jpeg, 'image/jpeg');
    expect(upright.body.bottles.filter((b: { lying: boolean }) => b.lying).length).toBeLessThan(truth / 5);
  });

  it('refuses what is not a photo, naming it', async () => {
    const junk = await post('/api/v1/vision/detect-bottles', Buffer.from('GIF89a not a shelf at all'), 'image/jpeg');
    expect(junk.status).toBe(400);
    expect(junk.body.error).toMatchObject({ code: 'invalid_image', field: 'image' });
    const broken = await post('/api/v1/vision/detect-bottles', Buffer.concat([shelf.jpeg.subarray(0, 200)]), 'image/jpeg');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/cannot decode image/);
    const text = await post('/api/v1/vision/detect-bottles', 'hello', 'text/plain');
    expect(text.status).toBe(415);
    const noSlots = await post(
      '/api/v1/vision/analyze-shelf',
      JSON.stringify({ image: shelf.jpeg.toString('base64') }),
      'application/json',
    );
    expect(noSlots.status).toBe(400);
    expect(noSlots.body.error.message).toMatch(/slots/);
  });

  it('analyze-shelf: a job that counts each slot as the edge agent would', async () => {
    const body = {
      image: shelf.jpeg.toString('base64'),
      slots: [
        { id: 'left', polygon: half(true) },
        { id: 'right', polygon: half(false) },
      ],
    };
    const r = await post('/api/v1/vision/analyze-shelf', JSON.stringify(body), 'application/json');
    expect(r.status).toBe(202);
    const job = await poll(r.body.jobId);
    expect(job.status).toBe('done');
    const { slots, bottles, bottlesOutsideSlots } = job.result;
    expect(slots.map((s: { slotId: string }) => s.slotId)).toEqual(['left', 'right']);
    // the two halves cover the picture: every bottle is in one of them
    expect(slots[0].count + slots[1].count).toBe(bottles.length);
    expect(bottlesOutsideSlots).toBe(0);
    for (const s of slots) {
      expect(s.fills).toHaveLength(s.count);
      expect(s.units).toBeLessThanOrEqual(s.count + 1e-9);
    }
  });

  it('analyze-shelf says which slots someone stands in front of in the photo', async () => {
    const person = await sharp(join(dirname(DEFAULT_MODEL_DIR), 'test/fixtures/people/astronaut.jpg'))
      .resize(420, 420)
      .toBuffer();
    const photo = await sharp(shelf.jpeg)
      .composite([{ input: person, left: 40, top: 120 }])
      .jpeg({ quality: 90 })
      .toBuffer();
    const slots = [
      { id: 'left', polygon: half(true) },
      { id: 'right', polygon: half(false) },
    ];
    const r = await post('/api/v1/vision/analyze-shelf', JSON.stringify({ image: photo.toString('base64'), slots }), 'application/json');
    const job = await poll(r.body.jobId);
    expect(job.status).toBe('done');
    expect(job.result.slots.map((s: { slotId: string; hiddenByPerson: boolean }) => [s.slotId, s.hiddenByPerson])).toEqual([
      ['left', true],
      ['right', false],
    ]);
  });

  it("analyze-shelf with a device camera's saved slots; another organisation cannot see the job", async () => {
    expect(
      (await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Back bar' } }))
        .status,
    ).toBe(201);
    const cameras = [
      {
        id: 'back-bar',
        locationId: t.demo.locations.mainBar,
        url: 'rtsp://10.0.0.9/stream1',
        slots: [{ id: 'whole', itemId: t.demo.items['TITOS-750'], polygon: half(true).map(([x, y]) => [x * 2, y]) }],
      },
    ];
    expect((await t.api('PUT', `/api/v1/devices/${DEV}/cameras`, { token: t.ownerToken, body: { cameras } })).status).toBe(200);
    const r = await post(
      '/api/v1/vision/analyze-shelf',
      JSON.stringify({ image: shelf.jpeg.toString('base64'), deviceId: DEV, cameraId: 'back-bar' }),
      'application/json',
    );
    expect(r.status).toBe(202);
    const job = await poll(r.body.jobId);
    expect(job.result.slots[0]).toMatchObject({ slotId: 'whole', itemId: t.demo.items['TITOS-750'] });
    expect(job.result.slots[0].count).toBe(job.result.bottles.length);

    const other = await t.otherOrg();
    expect((await t.api('GET', `/api/v1/vision/processing-status/${r.body.jobId}`, { token: other.token })).status).toBe(404);
    const theirs = await post(
      '/api/v1/vision/analyze-shelf',
      JSON.stringify({ image: shelf.jpeg.toString('base64'), deviceId: DEV, cameraId: 'back-bar' }),
      'application/json',
      other.token,
    );
    expect(theirs.status).toBe(404);
  });
  it('analyze-shelf: a photo that will not decode is retried, then failed with the reason, and not kept', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(512, 7)]);
    const body = { image: png.toString('base64'), slots: [{ id: 'left', polygon: half(true) }] };
    const r = await post('/api/v1/vision/analyze-shelf', JSON.stringify(body), 'application/json');
    expect(r.status).toBe(202);
    const job = await poll(r.body.jobId);
    expect(job).toMatchObject({ jobId: r.body.jobId, status: 'failed' });
    expect(job.error).toMatch(/cannot decode image/);
    const generic = await t.api('GET', `/api/v1/jobs/${r.body.jobId}`, { token: t.ownerToken });
    expect(generic.body).toMatchObject({ name: 'vision_analyze_shelf', status: 'failed', attempts: 3, error: job.error });
    const { rows } = await t.cloud.db.query<{ kept: boolean }>(
      'SELECT photo IS NOT NULL OR photo_key IS NOT NULL AS kept FROM vision_jobs WHERE id = $1',
      [r.body.jobId],
    );
    expect(rows[0]!.kept).toBe(false);
    // nor in object storage
    const left = [];
    for await (const b of t.cloud.blobs.list(`org/${t.demo.orgId}/photo/`)) left.push(b.key);
    expect(left.filter((k) => k.includes(r.body.jobId))).toEqual([]);
  });
});
