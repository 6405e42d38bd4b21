/**
 * The self-hosted broker's configuration (docker/mosquitto) run for real:
 * mutual TLS with certificates from our own CA, and the ACL that gives each
 * device only its own contract topics under its name, as AWS IoT's per-thing policy does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { createCa, issueDeviceCertificate, type CertificateAuthority } from '@smartstock/pki';
import { waitFor } from '../src/ports.js';
import { hasMosquitto, startMosquittoWithTestCa, type TestCaBroker } from '../src/mosquitto.js';

describe.runIf(hasMosquitto)('self-hosted Mosquitto with per-device ACLs', () => {
  let port: number;
  let ca: CertificateAuthority;
  let broker: TestCaBroker | undefined;
  let connect: TestCaBroker['connect'];

  beforeAll(async () => {
    broker = await startMosquittoWithTestCa();
    ({ port, ca, connect } = broker);
  });

  afterAll(async () => {
    await broker?.endClients();
    broker?.stop();
  });

  it('delivers a device’s own topic to the cloud and refuses another device’s', async () => {
    const cloud = await connect('smartstock-cloud');
    const got: string[] = [];
    cloud.on('message', (topic) => got.push(topic));
    await cloud.subscribeAsync(TOPICS.shared('cloud', 'obs'), { qos: 1 }); // as the cloud instances subscribe in production
    const device = await connect('bar-1');

    await device.publishAsync(TOPICS.obs('bar-1'), 'mine', { qos: 1 }); // resolves only on a successful PUBACK
    // MQTT 5 PUBACK reason 135: not authorized
    await expect(device.publishAsync(TOPICS.obs('bar-2'), 'not mine', { qos: 1 })).rejects.toThrow(/Not authorized/);

    await waitFor(() => got.includes(TOPICS.obs('bar-1')), 5000, 'own message');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([TOPICS.obs('bar-1')]);
  });

  it('never delivers another device’s config to a device', async () => {
    const cloud = await connect('smartstock-cloud');
    const device = await connect('bar-3');
    const got: string[] = [];
    device.on('message', (topic) => got.push(topic));
    // Mosquitto 2.0 may grant the subscription; its read ACL still filters every delivery
    await device.subscribeAsync([TOPICS.config('bar-4'), TOPICS.config('bar-3')], { qos: 1 });
    await cloud.publishAsync(TOPICS.config('bar-4'), 'theirs', { qos: 1 });
    await cloud.publishAsync(TOPICS.config('bar-3'), 'mine', { qos: 1 });
    await waitFor(() => got.length > 0, 5000, 'own config');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([TOPICS.config('bar-3')]);
  });

  it('lets a device write only its contract topics: never the config the cloud retains for it, nor retained junk under its name', async () => {
    const cloud = await connect('smartstock-cloud');
    await cloud.publishAsync(TOPICS.config('bar-5'), 'desired', { qos: 1, retain: true });
    const device = await connect('bar-5');
    await device.publishAsync(TOPICS.status('bar-5'), 'online', { qos: 1, retain: true }); // its status is retained
    for (const topic of [
      TOPICS.config('bar-5'),
      TOPICS.snapshotRequest('bar-5'),
      'smartstock/v1/bar-5/junk/1',
      'smartstock/v1/bar-5/status/x',
    ])
      await expect(device.publishAsync(topic, 'overwritten', { qos: 1, retain: true }), topic).rejects.toThrow(/Not authorized/);
    // a new reader is handed the cloud's config and the device's status, and nothing the device tried to leave
    const reader = await connect('smartstock-cloud', 5, { clientId: 'acl-reader', listener: 'cloud' });
    const retained = new Map<string, string>();
    reader.on('message', (topic, payload, packet) => void (packet.retain && retained.set(topic, payload.toString())));
    await reader.subscribeAsync('smartstock/v1/bar-5/#', { qos: 1 });
    await waitFor(() => retained.size >= 2, 5000, 'retained messages');
    await new Promise((r) => setTimeout(r, 300));
    expect(Object.fromEntries(retained)).toEqual({ [TOPICS.config('bar-5')]: 'desired', [TOPICS.status('bar-5')]: 'online' });
  });

  it('refuses a client without a certificate from our CA', async () => {
    const foreignCa = createCa(mkdtempSync(join(tmpdir(), 'foreign-')));
    const cert = issueDeviceCertificate(foreignCa, 'bar-1');
    await expect(
      mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, {
        ca: ca.certPem,
        cert: cert.certPem,
        key: cert.keyPem,
        servername: 'localhost',
        reconnectPeriod: 0,
        connectTimeout: 3000,
      }),
    ).rejects.toThrow();
  });
});
