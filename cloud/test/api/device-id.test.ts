import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

/** Issue 24, finding 2: a device id held by another organisation cannot be squatted, nor is its holder revealed. */
describe('registering a device id that is already held', () => {
  let t: TestCloud;
  let other: Awaited<ReturnType<TestCloud['otherOrg']>>;
  beforeAll(async () => {
    t = await build();
    other = await t.otherOrg();
    const r = await t.api('POST', '/api/v1/devices', {
      token: t.ownerToken,
      body: { id: 'anchor-edge-1', venueId: t.demo.venueId, name: 'Back bar' },
    });
    expect(r.status).toBe(201);
  });
  afterAll(() => t?.close());

  it('answers 409 device-id-taken to another organisation, naming neither the holder nor its device', async () => {
    const r = await t.api('POST', '/api/v1/devices', {
      token: other.token,
      body: { id: 'anchor-edge-1', venueId: other.demo.venueId, name: 'Squatter' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'device-id-taken', field: 'id' });
    const text = JSON.stringify(r.body);
    for (const secret of [t.demo.orgId, t.demo.venueId, 'Back bar', 'Harbour Bars']) expect(text).not.toContain(secret);
    // and the squatter still cannot see it
    expect((await t.api('GET', '/api/v1/devices/anchor-edge-1', { token: other.token })).status).toBe(404);
  });

  it('tells the holding organisation it already has that device', async () => {
    const r = await t.api('POST', '/api/v1/devices', {
      token: t.ownerToken,
      body: { id: 'anchor-edge-1', venueId: t.demo.venueId, name: 'Again' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'conflict', field: 'id' });
  });
});

/** A device named as the cloud's certificate would be let read every device's topics by the self-hosted broker's ACL. */
describe("registering a device under the cloud's certificate name", () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('is refused with 400 naming the id field and why', async () => {
    for (const id of ['smartstock-cloud', 'SmartStock-Cloud']) {
      const r = await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id, venueId: t.demo.venueId, name: 'Cloud?' } });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain("cloud's own certificate name");
      expect(JSON.stringify(r.body.error)).toContain('id');
    }
    expect((await t.api('GET', '/api/v1/devices/smartstock-cloud', { token: t.ownerToken })).status).toBe(404);
  });
});
