import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation } from '@smartstock/protocol/testing';
import { DEV, malformed, prng } from '../support/fuzz-payloads.js';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';
import { floodFromChild } from '../support/flood.js';

/**
 * Runs n malformed payloads through the real broker and ingest. `npm test` runs 1,000 beside every
 * other suite; the integration suite, whose files run one at a time, runs the full 10,000.
 */
export function describeFuzz(N: number) {
  describe('ingest fuzz', () => {
    let t: TestCloud;
    let dev: MqttClient;
    beforeAll(async () => {
      t = await build();
      await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Fuzz' } });
      dev = await connectDevice(t.cloud.brokerUrl, DEV);
    });
    afterAll(async () => {
      await dev?.endAsync(true);
      await t?.close();
    });

    it(`survives ${N} malformed, oversize and wrong-device payloads, each dead-lettered with a reason`, { timeout: 600_000 }, async () => {
      const rand = prng(42);
      for (let i = 0; i < N; i += 200) {
        await Promise.all(
          Array.from({ length: Math.min(200, N - i) }, (_, k) => {
            const m = malformed(rand, i + k);
            return dev.publishAsync(m.topic, m.payload, { qos: 1 });
          }),
        );
      }
      // and one device sending a packet over the broker's limit is cut off, the others unaffected
      expect(await floodFromChild(t.cloud.brokerUrl, 'fuzz-flood', TOPICS.obs('fuzz-flood'), 2 * 1024 * 1024)).toBe('disconnected');
      const dead = async () => (await t.cloud.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters')).rows[0]!.n;
      await waitFor(async () => (await dead()) >= N, 250);
      expect(await dead()).toBe(N);
      const noReason = await t.cloud.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM dead_letters WHERE reason = '' OR payload IS NULL",
      );
      expect(noReason.rows[0]!.n).toBe(0);
      // a NUL inside a string is refused by ingest itself, never by a failing (and retried) insert
      const reasons = await t.cloud.db.query<{ nul: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE reason LIKE '%contains a NUL character')::int AS nul,
                count(*) FILTER (WHERE reason LIKE '%SQLSTATE%' OR reason LIKE 'ingest failed%')::int AS failed FROM dead_letters`,
      );
      expect(reasons.rows[0]!.nul).toBeGreaterThan(0);
      expect(reasons.rows[0]!.failed).toBe(0);
      const observations = await t.cloud.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations');
      expect(observations.rows[0]!.n).toBe(0);
      // still alive and still ingesting
      expect((await fetch(`${t.cloud.url}/healthz`)).status).toBe(200);
      const ok = makeBatch({ deviceId: DEV, observations: [makeObservation()] });
      await dev.publishAsync(TOPICS.obs(DEV), JSON.stringify(ok), { qos: 1 });
      await waitFor(
        async () => (await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [ok.observations[0]!.id])).rowCount === 1,
      );
    });
  });
}
