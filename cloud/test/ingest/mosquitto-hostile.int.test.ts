/**
 * Issue 24, findings 1 and 3, on the production path: the cloud ingesting through the self-hosted
 * Mosquitto (docker/mosquitto/mosquitto.conf, run for real). A 200 MB publish cuts off only its
 * sender and never reaches the cloud; a revoked device whose session Mosquitto keeps is heard but
 * not recorded.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';
import { connectAsync } from 'mqtt';
import { hasMosquitto, startSelfHostedMosquitto, type SelfHostedBroker } from '../../../e2e/src/mosquitto.js';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';
import { floodFromChild } from '../support/flood.js';
import { deviceCert, seedPki } from '../support/pki.js';

const MB = 1024 * 1024;

describe.runIf(hasMosquitto)('hostile devices through the self-hosted Mosquitto', () => {
  let broker: SelfHostedBroker | undefined;
  let t: TestCloud;
  let url: string;
  let cloudCert: ReturnType<typeof deviceCert>;
  let caPem: string;
  const register = async (id: string) =>
    expect((await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id, venueId: t.demo.venueId, name: id } })).status).toBe(
      201,
    );
  const stored = async (id: string) => (await t.cloud.db.query('SELECT 1 FROM observations WHERE id = $1', [id])).rowCount === 1;

  beforeAll(async () => {
    // the cloud tests' CA and server certificate, as the compose file's pki step would write them
    const dir = mkdtempSync(join(tmpdir(), 'mosq-hostile-'));
    seedPki(dir);
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    copyFileSync(join(dir, 'pki', 'ca.crt'), join(certs, 'ca.crt'));
    copyFileSync(join(dir, 'pki', 'broker.crt'), join(certs, 'server.crt'));
    copyFileSync(join(dir, 'pki', 'broker.key'), join(certs, 'server.key'));
    broker = await startSelfHostedMosquitto(certs);
    url = `mqtts://127.0.0.1:${broker.port}`;
    // the ACL knows the cloud by its CN and reads through the shared group "cloud"
    cloudCert = deviceCert('smartstock-cloud');
    caPem = cloudCert.caPem;
    writeFileSync(join(dir, 'cloud.crt'), cloudCert.certPem);
    writeFileSync(join(dir, 'cloud.key'), cloudCert.keyPem);
    t = await build({
      broker: {
        url,
        clientId: `cloud-hostile-${randomBytes(3).toString('hex')}`,
        sharedGroup: 'cloud',
        caFile: join(certs, 'ca.crt'),
        certFile: join(dir, 'cloud.crt'),
        keyFile: join(dir, 'cloud.key'),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    broker?.stop();
  });

  it('a 200 MB publish disconnects its sender, never reaches the cloud, and the others keep being stored', async () => {
    await register('quiet-edge');
    const quiet = await connectDevice(url, 'quiet-edge');
    try {
      const before = process.memoryUsage().arrayBuffers;
      const flood = floodFromChild(url, 'flood-edge', TOPICS.obs('flood-edge'), 200 * MB);
      const ok = makeBatch({ deviceId: 'quiet-edge', observations: [makeObservation()] });
      await quiet.publishAsync(TOPICS.obs('quiet-edge'), JSON.stringify(ok), { qos: 1 });
      expect(await flood).toBe('disconnected');
      await waitFor(() => stored(ok.observations[0]!.id));
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MB);
      const dead = await t.cloud.db.query<{ n: number }>("SELECT count(*)::int AS n FROM dead_letters WHERE device_id = 'flood-edge'");
      expect(dead.rows[0]!.n).toBe(0);
    } finally {
      await quiet.endAsync(true);
    }
  });

  /** The topics whose retained message a new subscriber (another cloud instance, say) is handed now. */
  const retainedFor = async (topics: string[]): Promise<string[]> => {
    const reader = await connectAsync(`mqtts://127.0.0.1:${broker!.cloudPort}`, {
      clientId: `retained-reader-${randomBytes(3).toString('hex')}`,
      protocolVersion: 5,
      ca: caPem,
      cert: cloudCert.certPem,
      key: cloudCert.keyPem,
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    try {
      const retained: string[] = [];
      reader.on('message', (topic, _payload, packet) => void (packet.retain && retained.push(topic)));
      await reader.subscribeAsync(topics, { qos: 1 });
      // Mosquitto sends the retained messages before anything published after the SUBACK: a round trip orders them
      const marker = `smartstock/v1/marker-${randomBytes(3).toString('hex')}/status`;
      const seen = new Promise<void>((r) => reader.on('message', (topic) => topic === marker && r()));
      await reader.subscribeAsync(marker, { qos: 1 });
      await reader.publishAsync(marker, 'x', { qos: 1 });
      await seen;
      return retained;
    } finally {
      await reader.endAsync(true);
    }
  };

  it(
    "clears a device's retained observation (Mosquitto's ACL cannot refuse it) yet stores it, and keeps its retained status",
    { timeout: 30_000 },
    async () => {
      await register('retain-edge');
      const dev = await connectDevice(url, 'retain-edge');
      try {
        const batch = makeBatch({ deviceId: 'retain-edge', observations: [makeObservation()] });
        await dev.publishAsync(TOPICS.status('retain-edge'), JSON.stringify(makeOnlineStatus({ deviceId: 'retain-edge' })), {
          qos: 1,
          retain: true,
        });
        await dev.publishAsync(TOPICS.obs('retain-edge'), JSON.stringify(batch), { qos: 1, retain: true });
        await waitFor(() => stored(batch.observations[0]!.id));
        // the cloud clears it as it arrives; until then a new subscriber would still be handed it
        await waitFor(async () => !(await retainedFor([TOPICS.obs('retain-edge')])).length, 200);
        expect(await retainedFor([TOPICS.obs('retain-edge'), TOPICS.status('retain-edge')])).toEqual([TOPICS.status('retain-edge')]);
        const dead = await t.cloud.db.query<{ n: number }>("SELECT count(*)::int AS n FROM dead_letters WHERE device_id = 'retain-edge'");
        expect(dead.rows[0]!.n).toBe(0);
      } finally {
        await dev.endAsync(true);
      }
    },
  );

  it("dead-letters a revoked device's messages with reason revoked while Mosquitto keeps its session", async () => {
    await register('revoked-edge');
    const dev = await connectDevice(url, 'revoked-edge');
    try {
      expect((await t.api('POST', '/api/v1/devices/revoked-edge/revoke', { token: t.ownerToken })).status).toBe(200);
      const batch = makeBatch({ deviceId: 'revoked-edge', observations: [makeObservation()] });
      await dev.publishAsync(TOPICS.obs('revoked-edge'), JSON.stringify(batch), { qos: 1 });
      const reason = await waitFor(
        async () =>
          (await t.cloud.db.query<{ reason: string }>("SELECT reason FROM dead_letters WHERE device_id = 'revoked-edge'")).rows[0]?.reason,
      );
      expect(reason).toBe('revoked');
      expect(await stored(batch.observations[0]!.id)).toBe(false);
    } finally {
      await dev.endAsync(true);
    }
  });
});
