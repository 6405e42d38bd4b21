import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';
import { floodFromChild } from '../support/flood.js';

const FLOODER = 'flood-edge-1';
const NEIGHBOUR = 'quiet-edge-1';
const MB = 1024 * 1024;

/** Finding 1 of issue 24: one device's huge publish must not stall ingestion for everyone. */
describe('the embedded broker refuses an oversize packet', () => {
  let t: TestCloud;
  let neighbour: MqttClient;
  const count = async (sql: string) => (await t.cloud.db.query<{ n: number }>(sql)).rows[0]!.n;

  beforeAll(async () => {
    t = await build();
    for (const id of [FLOODER, NEIGHBOUR])
      expect(
        (await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id, venueId: t.demo.venueId, name: id } })).status,
      ).toBe(201);
    neighbour = await connectDevice(t.cloud.brokerUrl, NEIGHBOUR);
  });
  afterAll(async () => {
    await neighbour?.endAsync(true);
    await t?.close();
  });

  it.each([1, 50])(
    'disconnects a device publishing %i MB, keeps nothing of it, and still ingests the others',
    { timeout: 60_000 },
    async (mb) => {
      const deadBefore = await count('SELECT count(*)::int AS n FROM dead_letters');
      const before = process.memoryUsage().arrayBuffers;
      const outcome = await floodFromChild(t.cloud.brokerUrl, FLOODER, TOPICS.obs(FLOODER), mb * MB);
      // the broker read the fixed header and cut the device off: the body never reached this process
      const grown = process.memoryUsage().arrayBuffers - before;
      expect(outcome).toBe('disconnected');
      expect(grown).toBeLessThan(16 * MB);

      const ok = makeBatch({ deviceId: NEIGHBOUR, observations: [makeObservation()] });
      await neighbour.publishAsync(TOPICS.obs(NEIGHBOUR), JSON.stringify(ok), { qos: 1 });
      await waitFor(
        async () => (await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [ok.observations[0]!.id])).rowCount === 1,
      );
      expect(await count('SELECT count(*)::int AS n FROM dead_letters')).toBe(deadBefore);
    },
  );

  it('accepts a packet just under the limit', async () => {
    const q = `SELECT count(*)::int AS n FROM dead_letters WHERE device_id = '${FLOODER}'`;
    const before = await count(q);
    const flooder = await connectDevice(t.cloud.brokerUrl, FLOODER);
    // dead-lettered (not a batch), but delivered: the limit is the packet, not the payload schema
    await flooder.publishAsync(TOPICS.obs(FLOODER), Buffer.alloc(200 * 1024, 0x7b), { qos: 1 });
    await flooder.endAsync();
    await waitFor(async () => (await count(q)) === before + 1);
  });
});
