/**
 * A hostile device against the self-hosted broker's client ids (docker/mosquitto/mosquitto.conf, run
 * for real): with one valid certificate it connects under another device's client id, or the cloud's,
 * to take over that session. MQTT disconnects the session's holder on a takeover, and a persistent
 * session's subscriptions and queued messages pass to the newcomer, whose ACL then drops them.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@smartstock/protocol';
import { waitFor } from '../src/ports.js';
import { hasMosquitto, startMosquittoWithTestCa, type TestCaBroker } from '../src/mosquitto.js';

const closes = (c: MqttClient) => {
  const seen = { closed: false };
  c.on('close', () => (seen.closed = true));
  return seen;
};

describe.runIf(hasMosquitto)('client ids at the self-hosted Mosquitto', () => {
  let broker: TestCaBroker | undefined;
  let connect: TestCaBroker['connect'];

  beforeAll(async () => {
    broker = await startMosquittoWithTestCa();
    connect = broker.connect;
  });
  afterAll(async () => {
    await broker?.endClients();
    broker?.stop();
  });

  it('a device connecting under another device’s client id gets its own, and cuts no one off', async () => {
    const victim = await connect('bar-2');
    const victimSeen = closes(victim);
    const victimClosed = new Promise<string>((r) => victim.once('close', () => r('closed')));
    const hostile = await connect('bar-1', 5, { clientId: 'bar-2' });
    // a round trip on each: the victim still holds its session, the newcomer is bar-1 and nothing more
    expect(await Promise.race([victim.subscribeAsync(TOPICS.config('bar-2'), { qos: 1 }).then(() => 'answered'), victimClosed])).toBe(
      'answered',
    );
    await hostile.publishAsync(TOPICS.obs('bar-1'), 'mine', { qos: 1 });
    await expect(hostile.publishAsync(TOPICS.obs('bar-2'), 'as bar-2', { qos: 1 })).rejects.toThrow(/Not authorized/);
    expect(victimSeen.closed).toBe(false);
    expect(victim.connected).toBe(true);
  });

  it('a device connecting under the cloud’s client id neither cuts the cloud off nor takes its queued messages', async () => {
    // the cloud as it connects in production: its own listener, a persistent session, the shared group
    const cloud = await connect('smartstock-cloud', 5, { clientId: 'smartstock-cloud-a', clean: false, listener: 'cloud' });
    const cloudSeen = closes(cloud);
    const got: string[] = [];
    cloud.on('message', (_t, payload) => got.push(payload.toString()));
    await cloud.subscribeAsync(TOPICS.shared('cloud', 'obs'), { qos: 1 });
    // a second instance keeps the client id it sends on the cloud listener
    const other = await connect('smartstock-cloud', 5, { clientId: 'smartstock-cloud-b', listener: 'cloud' });
    expect(other.connected).toBe(true);
    await other.endAsync();

    await connect('bar-1', 5, { clientId: 'smartstock-cloud-a', clean: false });
    const honest = await connect('bar-3');
    const sent = Array.from({ length: 5 }, (_, i) => `bar-3 #${i}`);
    for (const m of sent) await honest.publishAsync(TOPICS.obs('bar-3'), m, { qos: 1 });
    await waitFor(() => got.length >= sent.length, 10_000, `the cloud to get bar-3's messages (got ${got.length})`);
    expect(got).toEqual(sent);
    expect(cloudSeen.closed).toBe(false);
  });
});
