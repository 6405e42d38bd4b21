import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { parse } from 'yaml';
import { TOPICS } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import { loadCa } from '@smartstock/pki';
import { readBundle, type DeviceBundle } from '../../src/bundle/index.js';
import { startTlsBroker, type TestBroker } from '../helpers/tls-broker.js';
import { cli, createLocalDevice } from '../helpers/cli.js';

const EDGE_AGENT = '@smartstock/edge-agent';

/** The local path end to end: ca init → device create --local → mutual TLS to a real aedes broker. */
describe('device create --local', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-local-'));
  const caDir = join(tmp, 'pki');
  let broker: TestBroker;

  beforeAll(async () => {
    const init = await cli('ca', 'init', '--ca-dir', caDir, '--json');
    expect(init.code).toBe(0);
    expect(init.json).toMatchObject({ ok: true, created: true });
    broker = await startTlsBroker(loadCa(caDir));
  });
  afterAll(() => broker?.close());

  const create = (id: string, out: string, ...extra: string[]) =>
    createLocalDevice({ id, caDir, mqttUrl: broker.url, out }, '--json', ...extra);

  const connect = (b: DeviceBundle, clientId = b.deviceId) =>
    mqtt.connect(b.mqttUrl, { clientId, key: b.keyPem, cert: b.certPem, ca: b.caPem, reconnectPeriod: 0, connectTimeout: 20_000 });

  const connected = (c: MqttClient) =>
    new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
      c.once('close', () => reject(new Error('closed before connack')));
    });

  it('ca init keeps an existing CA and its key private', async () => {
    const again = await cli('ca', 'init', '--ca-dir', caDir, '--json');
    expect(again.json).toMatchObject({ ok: true, created: false });
    expect(statSync(join(caDir, 'ca.key')).mode & 0o777).toBe(0o600);
  });

  it('writes a bundle the agent can read, with the key 0600', async () => {
    const out = join(tmp, 'bar-42-edge');
    const r = await create('bar-42-edge', out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ id: 'bar-42-edge', backend: 'local', bundle: out, cloud: 'not-registered' });
    expect(statSync(join(out, 'device.key')).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(join(out, 'agent.yaml'), 'utf8'))).toEqual({
      deviceId: 'bar-42-edge',
      dataDir: '/var/lib/smartstock',
      mqtt: { url: broker.url, caFile: 'ca.crt', certFile: 'device.crt', keyFile: 'device.key' },
      cameras: [],
    });
    expect(r.stdout).not.toContain('PRIVATE KEY');
  });

  it('says when the bundle tells the device a broker only this machine reaches, and not otherwise', async () => {
    const local = await createLocalDevice({ id: 'note-local', caDir, mqttUrl: 'mqtts://localhost:8883', out: join(tmp, 'note-local') });
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).toMatch(/the bundle's broker mqtts:\/\/localhost:8883 is this machine only; .*--mqtt-url/);
    const lan = await createLocalDevice({ id: 'note-lan', caDir, mqttUrl: 'mqtts://192.168.1.23:8883', out: join(tmp, 'note-lan') });
    expect(lan.code, lan.stderr).toBe(0);
    expect(lan.stderr).not.toMatch(/this machine only/);
  });

  it("the edge agent's own config loader accepts the bundle, with install paths when asked", async () => {
    // loaded by name at run time: provisioning's typecheck should not compile the agent
    const agent = (await import(EDGE_AGENT)) as {
      loadAgentConfig(file: string, env?: object): { deviceId: string; mqtt: Record<string, unknown> };
    };
    const cfg = agent.loadAgentConfig(join(tmp, 'bar-42-edge', 'agent.yaml'), {});
    expect(cfg.deviceId).toBe('bar-42-edge');
    // relative paths in agent.yaml are resolved against its own folder
    expect(cfg.mqtt).toMatchObject({ url: broker.url, certFile: join(tmp, 'bar-42-edge', 'device.crt') });

    const out = join(tmp, 'installed');
    const r = await create('bar-44-edge', out, '--install-dir', '/etc/smartstock');
    expect(r.code, r.stderr).toBe(0);
    expect(agent.loadAgentConfig(join(out, 'agent.yaml'), {}).mqtt).toMatchObject({
      caFile: '/etc/smartstock/ca.crt',
      certFile: '/etc/smartstock/device.crt',
      keyFile: '/etc/smartstock/device.key',
    });
    expect((await readBundle(out)).deviceId).toBe('bar-44-edge'); // verify still reads it before installation
  });

  it('says the venue was not checked when no cloud was asked, and when it cannot be a venue id', async () => {
    const venueId = '6d1f3c1e-8a53-4c8e-9a43-2f7d0c1b9e11';
    const unchecked = await createLocalDevice({
      id: 'bar-45-edge',
      caDir,
      mqttUrl: broker.url,
      out: join(tmp, 'bar-45-edge'),
      venue: venueId,
    });
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect(unchecked.stdout).toContain(
      `venue        ${venueId}: not checked (only the cloud knows the venues: with --cloud-url it checks it`,
    );
    const named = await createLocalDevice({
      id: 'bar-46-edge',
      caDir,
      mqttUrl: broker.url,
      out: join(tmp, 'bar-46-edge'),
      venue: 'Rooftop',
    });
    expect(named.stdout).toContain('venue        Rooftop: not checked, and not a venue id (a UUID');
    const json = await createLocalDevice({ id: 'bar-47-edge', caDir, mqttUrl: broker.url, out: join(tmp, 'bar-47-edge') }, '--json');
    expect(json.json).toMatchObject({ cloud: 'not-registered', venueChecked: false });
  });

  it('refuses to overwrite a bundle (exit 1 with the fix) and a missing CA is exit 2', async () => {
    const again = await create('bar-42-edge', join(tmp, 'bar-42-edge'));
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ ok: false, fix: expect.stringContaining('rotate-cert') });
    const noCa = await cli(
      'device',
      'create',
      '--local',
      '--venue',
      'v',
      '--name',
      'n',
      '--ca-dir',
      join(tmp, 'none'),
      '--out',
      join(tmp, 'x'),
    );
    expect(noCa.code).toBe(2);
    expect(noCa.stderr).toMatch(/ca init/);
  });

  it("refuses the cloud's certificate name as a device id (exit 2, nothing written)", async () => {
    const out = join(tmp, 'cloud-named');
    const r = await create('smartstock-cloud', out);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: expect.stringContaining("cloud's own certificate name") });
    expect(existsSync(out)).toBe(false);
  });

  it('connects over mutual TLS and may publish on its own topics only', async () => {
    const mine = await readBundle(join(tmp, 'bar-42-edge'));
    const tarred = await create('bar-43-edge', join(tmp, 'bar-43-edge.tgz'));
    expect(tarred.code, tarred.stderr).toBe(0);
    const other = await readBundle(join(tmp, 'bar-43-edge.tgz'));
    expect(other.deviceId).toBe('bar-43-edge');

    const client = connect(mine);
    await connected(client);
    await client.publishAsync(TOPICS.status(mine.deviceId), JSON.stringify(makeOnlineStatus({ deviceId: mine.deviceId })), { qos: 1 });
    expect(broker.published.map((p) => p.topic)).toContain(TOPICS.status('bar-42-edge'));

    // another device's topic: the broker refuses and drops the connection
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.publish(TOPICS.obs('bar-43-edge'), '{}', { qos: 1 });
    await closed;
    client.end(true);
    expect(broker.published.map((p) => p.topic)).not.toContain(TOPICS.obs('bar-43-edge'));

    // the other bundle's certificate works for its own identity only
    const impostor = connect(other, 'bar-42-edge');
    await expect(connected(impostor)).rejects.toThrow();
    impostor.end(true);
  });
});
