import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttClient, type IClientOptions } from 'mqtt';
import { pino } from 'pino';
import { TOPICS } from '@smartstock/protocol';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded.js';
import { seedPki } from '../support/pki.js';
import { connectDevice, waitFor } from '../support/device.js';

/**
 * A device with a valid certificate, hostile, against the embedded broker (aedes, TLS): it may publish
 * only its contract topics and retain only its status, subscribe only to what the cloud sends it, and
 * each refusal is a log line naming what is wrong. The cloud is an internal client subscribed to everything.
 */
describe('the embedded broker against a hostile device', () => {
  const DEV = 'hostile-edge';
  type Line = { level: number; msg: string; why?: string; topic?: string; clientId?: string; fix?: string; deviceId?: string };
  const lines: Line[] = [];
  let broker: EmbeddedBroker;
  let cloud: MqttClient;
  const seen: { topic: string; retain: boolean; bytes: number }[] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'broker-hostile-'));
    seedPki(dataDir);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    broker = await startEmbeddedBroker({ dataDir, host: '127.0.0.1', port: 0, hostnames: [], logger: pino({ level: 'debug' }, sink) });
    const opts: IClientOptions = { clientId: 'cloud.internal', protocolVersion: 4, reconnectPeriod: 0 };
    cloud = new MqttClient(() => broker.connectInternal(), opts);
    await new Promise((r) => cloud.once('connect', r));
    cloud.on('message', (topic, payload, packet) => seen.push({ topic, retain: packet.retain, bytes: payload.length }));
    await cloud.subscribeAsync(`smartstock/v1/+/obs`, { qos: 1 });
  });
  afterAll(async () => {
    cloud?.end();
    await broker?.close();
  });

  /** Publishes once on a fresh connection: 'acked', or 'closed' when the broker cut the device off. */
  const publishOnce = async (topic: string, payload: Buffer | string, o: { qos: 0 | 1 | 2; retain?: boolean }) => {
    const dev = await connectDevice(broker.url, DEV);
    const closed = new Promise<string>((r) => dev.once('close', () => r('closed')));
    const acked = dev.publishAsync(topic, payload, { qos: o.qos, retain: o.retain ?? false }).then(
      () => 'acked',
      () => 'closed',
    );
    const outcome = await Promise.race([acked, closed]);
    if (outcome === 'acked') await dev.endAsync(true);
    return outcome;
  };

  it('refuses a publish off the contract, or a retained one but the status, with the reason; the device’s own messages pass', async () => {
    const refused = [
      { topic: `smartstock/v1/${DEV}/junk/1`, retain: true, why: /not a smartstock\/v1 topic of the contract/ },
      { topic: `smartstock/v1/${DEV}/telemetry`, retain: false, why: /not a smartstock\/v1 topic of the contract/ },
      { topic: TOPICS.config(DEV), retain: true, why: /does not publish on "config"/ },
      { topic: TOPICS.snapshotRequest(DEV), retain: false, why: /does not publish on "snapshot\/req"/ },
      { topic: TOPICS.obs(DEV), retain: true, why: /retains only its status, not "obs"/ },
      { topic: TOPICS.obs('other-edge'), retain: false, why: /another device's topic/ },
      { topic: 'elsewhere/x', retain: true, why: /not a smartstock\/v1 topic/ },
    ];
    for (const r of refused) {
      expect(await publishOnce(r.topic, Buffer.alloc(100_000, 0x7b), { qos: 1, retain: r.retain }), r.topic).toBe('closed');
      const line = await waitFor(() => lines.find((l) => l.msg === 'publish refused' && l.topic === r.topic));
      expect(line).toMatchObject({ level: 40, deviceId: DEV, why: expect.stringMatching(r.why) });
    }
    // what the contract says passes, QoS 2 included; the status is retained
    expect(await publishOnce(TOPICS.obs(DEV), '{}', { qos: 2 })).toBe('acked');
    expect(await publishOnce(TOPICS.status(DEV), '{}', { qos: 1, retain: true })).toBe('acked');
    expect(await publishOnce(TOPICS.configAck(DEV), '{}', { qos: 1 })).toBe('acked');
    await waitFor(() => seen.some((m) => m.topic === TOPICS.obs(DEV) && m.bytes === 2));
    expect(seen.filter((m) => m.topic !== TOPICS.obs(DEV) || m.bytes !== 2)).toEqual([]);
    // nothing of the refused ones is kept: subscribing to the whole tree brings the status only
    const retained: string[] = [];
    let marker = false;
    const onMessage = (topic: string, _p: Buffer, packet: { retain: boolean }) =>
      void (packet.retain ? retained.push(topic) : topic === TOPICS.config('marker-edge') && (marker = true));
    cloud.on('message', onMessage);
    await cloud.subscribeAsync('smartstock/v1/#', { qos: 1 });
    // the retained messages come from one stream as the subscription is made; a round trip after them
    await waitFor(() => retained.length > 0);
    await cloud.publishAsync(TOPICS.config('marker-edge'), 'x', { qos: 1 });
    await waitFor(() => marker);
    await cloud.unsubscribeAsync('smartstock/v1/#');
    cloud.off('message', onMessage);
    expect(retained).toEqual([TOPICS.status(DEV)]);
  });

  it('grants a device only the topics the cloud sends it, each refusal a failed SUBACK and a reason', async () => {
    const dev = await connectDevice(broker.url, DEV);
    const filters = [
      '#',
      'smartstock/v1/+/config',
      `smartstock/v1/${DEV}/#`,
      TOPICS.config('other-edge'),
      `$share/g/${TOPICS.config(DEV)}`,
    ];
    const suback = new Promise<unknown>((r) => dev.on('packetreceive', (p) => p.cmd === 'suback' && r(p.granted)));
    // mqtt.js rejects on a failure code: the codes are read from the SUBACK itself
    const topics = [TOPICS.config(DEV), TOPICS.snapshotRequest(DEV), ...filters];
    await dev.subscribeAsync(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }]))).catch(() => undefined);
    expect(await suback).toEqual([1, 1, 128, 128, 128, 128, 128]);
    for (const f of filters) expect(lines.some((l) => l.msg === 'subscription refused' && l.topic === f && l.why)).toBe(true);
    expect(dev.connected).toBe(true);
    await dev.endAsync(true);
  });

  it('publishes no last will off the device’s own status', async () => {
    const from = seen.length;
    for (const will of [
      { topic: TOPICS.status('other-edge'), retain: true },
      { topic: TOPICS.obs(DEV), retain: true },
    ]) {
      const dev = await connectDevice(broker.url, DEV, { will: { ...will, payload: Buffer.from('{"state":"offline"}'), qos: 1 } });
      dev.stream.destroy();
      await waitFor(() => lines.find((l) => l.msg === 'publish refused' && l.topic === will.topic && /retain|another/.test(l.why ?? '')));
    }
    expect(seen.slice(from)).toEqual([]);
  });

  it('refuses an MQTT 5 device with the fix, once an hour at warn; a client id not its certificate’s is refused, logged short', async () => {
    for (let i = 0; i < 3; i++)
      await expect(connectDevice(broker.url, DEV, { protocolVersion: 5 })).rejects.toThrow(/Unacceptable protocol version/);
    const v5Lines = () => lines.filter((l) => l.msg === 'connection refused' && l.deviceId === DEV && l.fix);
    await waitFor(() => v5Lines().length === 3);
    const v5 = v5Lines();
    expect(v5.map((l) => l.level)).toEqual([40, 20, 20]);
    expect(v5[0]!.fix).toMatch(/protocolVersion to 4/);

    await expect(connectDevice(broker.url, DEV, { clientId: 'x'.repeat(60_000) })).rejects.toThrow(/Not authorized/);
    const line = await waitFor(() => lines.find((l) => l.msg === 'connection refused' && l.clientId?.startsWith('xxx')));
    expect(line.clientId!.length).toBeLessThanOrEqual(200);
  });
});
