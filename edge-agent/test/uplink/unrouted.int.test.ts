/**
 * A broker that acknowledges a batch and drops it, because nobody is subscribed yet (the cloud's
 * shared subscription not renewed after a broker restart), must not cost observations. Over
 * MQTT 5, Mosquitto says so in the PUBACK ("no matching subscribers"); the drainer keeps those
 * rows and sends them again once someone listens. Runs its own Mosquitto (no config: loopback,
 * anonymous, nothing persisted): on a shared one, a cloud test's persistent session subscribed
 * to `smartstock/v1/+/obs` still counts as a subscriber while it is offline.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type ObservationBatch } from '@smartstock/protocol';
import { createLogger } from '@smartstock/runtime';
import { makeObservation } from '@smartstock/protocol/testing';
import { Outbox } from '../../src/store/outbox.js';
import { OutboxDrainer } from '../../src/uplink/drain.js';
import { RateLimiter } from '../../src/uplink/rate-limit.js';
import { freePort, waitFor } from '../../../e2e/src/ports.js';
import { spawnMosquitto } from '../../../e2e/src/mosquitto.js';

let URL = '';
let broker: ChildProcess | undefined;
beforeAll(async () => {
  const port = await freePort();
  URL = `mqtt://127.0.0.1:${port}`;
  ({ broker } = await spawnMosquitto(port, ['-p', String(port)]));
});
afterAll(() => void broker?.kill('SIGTERM'));

const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

async function connect(clientId: string, protocolVersion: 4 | 5): Promise<MqttClient> {
  const c = await mqtt.connectAsync(URL, { clientId, protocolVersion, clean: true, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

function drainer(client: MqttClient, outbox: Outbox, deviceId: string) {
  const unrouted: number[] = [];
  const d = new OutboxDrainer({
    client,
    outbox,
    limiter: new RateLimiter(100),
    deviceId,
    readBatch: 5,
    maxInflight: 10,
    log: createLogger('test', { level: 'silent' }),
    onUnrouted: ({ count }) => unrouted.push(count),
    unroutedMinMs: 100,
    unroutedMaxMs: 300,
  });
  return { d, unrouted };
}

describe('batches a broker routes to no one', () => {
  it('MQTT 5: rows answered "no matching subscribers" stay, and reach the cloud once it subscribes', async () => {
    const deviceId = `unrouted-v5-${process.pid}-${Date.now()}`;
    const outbox = new Outbox({ dir: mkdtempSync(join(tmpdir(), 'ss-unrouted-')), maxRows: 1000, maxBytes: 1e9, synchronous: 'full' });
    const obs = Array.from({ length: 30 }, () => makeObservation());
    outbox.append(obs);
    const { d, unrouted } = drainer(await connect(`${deviceId}-agent`, 5), outbox, deviceId);
    d.kick();
    await waitFor(() => unrouted.length >= 6, 10_000, 'the broker to answer every batch');
    expect(outbox.depth).toBe(30);

    const cloud = await connect(`${deviceId}-cloud`, 4);
    const got = new Set<string>();
    cloud.on('message', (_t, payload) => {
      for (const o of (JSON.parse(String(payload)) as ObservationBatch).observations) got.add(o.id);
    });
    await cloud.subscribeAsync(`$share/unrouted-test/${TOPICS.obs(deviceId)}`, { qos: 1 });
    d.kick();
    await waitFor(() => outbox.depth === 0, 15_000, 'the outbox to drain');
    await waitFor(() => got.size === 30, 5000, 'every observation at the subscriber');
    expect([...got].sort()).toEqual(obs.map((o) => o.id).sort());
    d.stop();
    outbox.close();
  });

  it('MQTT 3.1.1 cannot tell: the same batches count as delivered (why production brokers get protocolVersion 5)', async () => {
    const deviceId = `unrouted-v4-${process.pid}-${Date.now()}`;
    const outbox = new Outbox({ dir: mkdtempSync(join(tmpdir(), 'ss-unrouted-')), maxRows: 1000, maxBytes: 1e9, synchronous: 'full' });
    outbox.append(Array.from({ length: 10 }, () => makeObservation()));
    const { d, unrouted } = drainer(await connect(`${deviceId}-agent`, 4), outbox, deviceId);
    d.kick();
    await waitFor(() => outbox.depth === 0, 10_000, 'the outbox to drain');
    expect(unrouted).toEqual([]);
    d.stop();
    outbox.close();
  });
});
