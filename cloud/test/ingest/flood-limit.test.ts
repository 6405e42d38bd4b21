import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPICS } from '@smartstock/protocol';
import { createLogger } from '@smartstock/runtime';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { deadLetterLimit } from '../../src/ingest/flood-limit.js';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

const DEV = 'flood-edge-2';

/** Issue 24, finding 1: a device that floods garbage is counted beyond N a minute, not stored. */
describe('dead letters per device per minute', () => {
  it('admits N per device per window, each device on its own, and N again in the next window', () => {
    let t = 0;
    const limit = deadLetterLimit(3, createLogger('test', { level: 'silent' }), () => t);
    const admitted = (id: string, n: number) => Array.from({ length: n }, () => limit.admit(id)).filter(Boolean).length;
    expect(admitted('a', 10)).toBe(3);
    expect(admitted('b', 2)).toBe(2);
    t += 59_999;
    expect(admitted('a', 5)).toBe(0);
    t += 1;
    expect(admitted('a', 5)).toBe(3);
  });

  describe('through the broker and ingest', () => {
    let t: TestCloud;
    let dev: MqttClient;
    beforeAll(async () => {
      t = await build({ deadLetters: { perDevicePerMinute: 5 } });
      await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: DEV } });
      dev = await connectDevice(t.cloud.brokerUrl, DEV);
    });
    afterAll(async () => {
      await dev?.endAsync(true);
      await t?.close();
    });

    it('stores the first 5 of 50 malformed batches and still ingests the device’s good ones', async () => {
      for (let i = 0; i < 50; i++) await dev.publishAsync(TOPICS.obs(DEV), `{"not":"a batch ${i}"}`, { qos: 1 });
      // one connection, handled in order: once this is stored, the 50 before it were handled
      const ok = makeBatch({ deviceId: DEV, observations: [makeObservation()] });
      await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(ok), { qos: 1 });
      await waitFor(
        async () => (await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [ok.observations[0]!.id])).rowCount === 1,
      );
      const n = await t.cloud.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters WHERE device_id = $1', [DEV]);
      expect(n.rows[0]!.n).toBe(5);
    });
  });
});
