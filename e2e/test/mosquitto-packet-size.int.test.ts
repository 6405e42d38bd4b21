/**
 * Issue 24, finding 1, on the self-hosted broker: docker/mosquitto/mosquitto.conf's
 * max_packet_size cuts off a device that publishes a huge message, and the other
 * devices' messages keep reaching the cloud.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { createCa, issueDeviceCertificate, issueServerCertificate, type CertificateAuthority } from '@smartstock/pki';
import { waitFor } from '../src/ports.js';
import { hasMosquitto, startSelfHostedMosquitto, type SelfHostedBroker } from '../src/mosquitto.js';

const MB = 1024 * 1024;

describe.runIf(hasMosquitto)('self-hosted Mosquitto refuses an oversize packet', () => {
  let ca: CertificateAuthority;
  let broker: SelfHostedBroker | undefined;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosq-size-'));
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    ca = createCa(join(dir, 'ca'));
    const server = issueServerCertificate(ca, ['localhost', '127.0.0.1']);
    writeFileSync(join(certs, 'ca.crt'), ca.certPem);
    writeFileSync(join(certs, 'server.crt'), server.certPem);
    writeFileSync(join(certs, 'server.key'), server.keyPem);
    broker = await startSelfHostedMosquitto(certs);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    broker?.stop();
  });

  const connect = async (cn: string, protocolVersion: 4 | 5) => {
    const cert = issueDeviceCertificate(ca, cn);
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker!.port}`, {
      clientId: cn,
      protocolVersion,
      ca: ca.certPem,
      cert: cert.certPem,
      key: cert.keyPem,
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    clients.push(c);
    return c;
  };

  it.each([1, 50])('disconnects a device publishing %i MB; another device still gets through', async (mb) => {
    const cloud = await connect('smartstock-cloud', 5);
    const got: string[] = [];
    cloud.on('message', (topic, payload) => got.push(`${topic} ${payload.length}`));
    // the ACL names the cloud's CN and its shared group
    await cloud.subscribeAsync(TOPICS.shared('cloud', 'obs'), { qos: 1 });
    const flooder = await connect(`flood-${mb}`, 4);
    const outcome = await Promise.race([
      new Promise<string>((res) => flooder.once('close', () => res('disconnected'))),
      flooder.publishAsync(TOPICS.obs(`flood-${mb}`), Buffer.alloc(mb * MB, 0x7b), { qos: 1 }).then(
        () => 'acknowledged',
        () => 'disconnected',
      ),
    ]);
    expect(outcome).toBe('disconnected');

    const quiet = await connect(`quiet-${mb}`, 4);
    await quiet.publishAsync(TOPICS.obs(`quiet-${mb}`), Buffer.alloc(200 * 1024, 0x7b), { qos: 1 });
    await waitFor(() => got.length > 0, 10_000, 'the other device’s message');
    expect(got).toEqual([`${TOPICS.obs(`quiet-${mb}`)} ${200 * 1024}`]);
  });
});
