/**
 * Two people edit one device's cameras from the same read (the dashboard's slot editor, the CLI's
 * `slots apply`): the PUT replaces them all, so the second write, sent with the revision it read,
 * is refused (409 stale_revision) instead of silently undoing the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

const DEV = 'rev-edge';
const triangle = [
  [0.1, 0.1],
  [0.3, 0.1],
  [0.3, 0.4],
] as [number, number][];

describe("optimistic concurrency on a device's cameras", () => {
  let t: TestCloud;
  const read = async () => (await t.api('GET', `/api/v1/devices/${DEV}`, { token: t.ownerToken })).body;
  const put = (body: unknown) => t.api('PUT', `/api/v1/devices/${DEV}/cameras`, { token: t.ownerToken, body });
  const cameraWith = (slotIds: string[], itemId: string | null = null) => ({
    id: 'cam-1',
    locationId: t.demo.locations.mainBar,
    url: 'rtsp://10.0.0.5/stream1',
    slots: slotIds.map((id) => ({ id, itemId, polygon: triangle })),
  });

  beforeAll(async () => {
    t = await build();
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Rev edge' } });
    expect((await put({ cameras: [cameraWith(['slot-1'])] })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the second of two writers that read the same revision, naming the revision it has', async () => {
    const first = await read();
    const second = await read();
    expect(first.configRevision).toBe(1);
    const a = await put({ expectedRevision: first.configRevision, cameras: [cameraWith(['slot-1', 'slot-a'])] });
    expect(a.status).toBe(200);
    expect(a.body.configRevision).toBe(2);
    const b = await put({ expectedRevision: second.configRevision, cameras: [cameraWith(['slot-1', 'slot-b'])] });
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('stale_revision');
    expect(b.body.error.field).toBe('expectedRevision');
    expect(b.body.error.message).toContain('revision 2, not 1');
    // the first writer's cameras stand, and the revision did not move
    const now = await read();
    expect(now.configRevision).toBe(2);
    expect(now.cameras[0].slots.map((slot: { id: string }) => slot.id)).toEqual(['slot-1', 'slot-a']);
  });

  it('lets one of two concurrent writers through', async () => {
    const { configRevision } = await read();
    const answers = await Promise.all(
      ['slot-x', 'slot-y'].map((slotId) => put({ expectedRevision: configRevision, cameras: [cameraWith([slotId])] })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await read()).configRevision).toBe(configRevision + 1);
  });

  it('keeps the last write winning for a PUT without expectedRevision (older clients)', async () => {
    const { configRevision } = await read();
    const r = await put({ cameras: [cameraWith(['slot-old'])] });
    expect(r.status).toBe(200);
    expect(r.body.configRevision).toBe(configRevision + 1);
  });

  it('saves nothing and keeps the revision when the write is refused for bad input', async () => {
    const { configRevision } = await read();
    const unknownItem = '00000000-0000-4000-8000-000000000000';
    const r = await put({ expectedRevision: configRevision, cameras: [cameraWith(['slot-z'], unknownItem)] });
    expect(r.status).toBe(404);
    expect((await read()).configRevision).toBe(configRevision);
  });
});
