import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

/** Issue 24, finding 3: a revoked device is cut off at once, and nothing it still sends is recorded. */
describe('revoking a device', () => {
  let t: TestCloud;
  const register = async (id: string) =>
    expect((await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id, venueId: t.demo.venueId, name: id } })).status).toBe(
      201,
    );
  const device = async (id: string) => (await t.api('GET', `/api/v1/devices/${id}`, { token: t.ownerToken })).body;
  const deadLetters = async (id: string) =>
    (
      await t.cloud.db.query<{ reason: string; org_id: string }>(
        'SELECT reason, org_id FROM dead_letters WHERE device_id = $1 ORDER BY id',
        [id],
      )
    ).rows;

  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('closes its open connection on the embedded broker at once, and it cannot come back', { timeout: 20_000 }, async () => {
    await register('revoked-edge-1');
    const dev = await connectDevice(t.cloud.brokerUrl, 'revoked-edge-1');
    const closed = new Promise<void>((res) => dev.once('close', () => res()));
    await dev.publishAsync(TOPICS.status('revoked-edge-1'), JSON.stringify(makeOnlineStatus({ deviceId: 'revoked-edge-1' })), { qos: 1 });
    await waitFor(async () => (await device('revoked-edge-1')).online);

    expect((await t.api('POST', '/api/v1/devices/revoked-edge-1/revoke', { token: t.ownerToken })).status).toBe(200);
    await closed;
    await dev.endAsync(true);
    await expect(connectDevice(t.cloud.brokerUrl, 'revoked-edge-1')).rejects.toThrow();
    expect((await device('revoked-edge-1')).online).toBe(false);
  });

  it('dead-letters what a revoked device still sends through a broker that kept its session, with reason revoked', async () => {
    await register('revoked-edge-2');
    const dev = await connectDevice(t.cloud.brokerUrl, 'revoked-edge-2');
    try {
      // as an external broker would: the session stays open, only the database knows
      await t.cloud.db.query('UPDATE devices SET revoked_at = now(), online = false WHERE id = $1', ['revoked-edge-2']);
      await dev.publishAsync(
        TOPICS.obs('revoked-edge-2'),
        JSON.stringify(makeBatch({ deviceId: 'revoked-edge-2', observations: [makeObservation()] })),
        {
          qos: 1,
        },
      );
      await dev.publishAsync(TOPICS.status('revoked-edge-2'), JSON.stringify(makeOnlineStatus({ deviceId: 'revoked-edge-2' })), { qos: 1 });
      await dev.publishAsync(
        TOPICS.configAck('revoked-edge-2'),
        JSON.stringify({ v: 1, deviceId: 'revoked-edge-2', revision: 0, status: 'applied', at: new Date().toISOString() }),
        { qos: 1 },
      );
      const rows = await waitFor(async () => {
        const r = await deadLetters('revoked-edge-2');
        return r.length === 3 ? r : undefined;
      });
      expect(rows.map((r) => r.reason)).toEqual(['revoked', 'revoked', 'revoked']);
      expect(new Set(rows.map((r) => r.org_id))).toEqual(new Set([t.demo.orgId]));
      expect((await device('revoked-edge-2')).online).toBe(false);
      expect((await t.cloud.db.query('SELECT 1 FROM observations WHERE device_id = $1', ['revoked-edge-2'])).rowCount).toBe(0);
    } finally {
      await dev.endAsync(true);
    }
  });
});
