import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, decodeConfigAck, decodeDeviceStatus, decodeObservationBatch, type ObservationBatch } from '@smartstock/protocol';
import { makeDesiredConfig, makeObservation } from '@smartstock/protocol/testing';
import { startAgent, type Agent } from '../../src/index.js';
import { makePki, startTlsBroker, subscriber, type Collected, type Pki, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';

const DEVICE = 'bar-42-edge';
let pki: Pki;
let broker: TlsBroker;
let cloud: Collected;
let agent: Agent;
let agentConfig: ReturnType<typeof testAgentConfig>;

const batches = () =>
  cloud.messages
    .filter((m) => m.topic === TOPICS.obs(DEVICE))
    .map((m) => {
      const d = decodeObservationBatch(m.payload);
      if (!d.ok) throw new Error(JSON.stringify(d.error));
      return d.value;
    });
const receivedIds = () => batches().flatMap((b: ObservationBatch) => b.observations.map((o) => o.id));
const until = async (cond: () => boolean, timeoutMs = 30_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  pki = makePki();
  broker = await startTlsBroker(pki);
  cloud = await subscriber(pki, broker.url, [TOPICS.all('obs'), TOPICS.all('status'), TOPICS.all('config/ack')]);
  agentConfig = testAgentConfig(pki, broker.url, DEVICE);
  agent = await startAgent(agentConfig, { vision: new ScriptedVision() });
});
afterAll(async () => {
  await agent?.stop();
  await cloud?.close();
  await broker?.stop();
});

describe('uplink over mutual TLS to a real broker', () => {
  it('connects with the thing name and publishes a retained online status', async () => {
    const m = await cloud.waitFor((x) => x.topic === TOPICS.status(DEVICE));
    const s = decodeDeviceStatus(m.payload);
    expect(s.ok && s.value.state).toBe('online');
    expect(s.ok && s.value.state === 'online' && s.value.outbox).toEqual({ depth: 0, droppedRows: 0 });
  });

  it('publishes stored observations as QoS 1 batches and empties the outbox on PUBACK', async () => {
    const obs = Array.from({ length: 50 }, (_, i) => makeObservation({ slotId: `s-${i}` }));
    agent.bus.emit('observations', obs);
    await until(() => obs.every((o) => receivedIds().includes(o.id)));
    await until(() => agent.outbox.depth === 0);
    const seqs = batches().map((b) => b.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('broker down: the outbox grows; broker back: every observation arrives exactly once', async () => {
    await until(() => agent.outbox.depth === 0);
    const before = receivedIds().length;
    await cloud.close();
    await broker.stop();
    await until(() => !agent.mqttConnected());
    const obs = Array.from({ length: 3000 }, (_, i) => makeObservation({ slotId: `d-${i % 40}` }));
    for (let i = 0; i < obs.length; i += 100) agent.bus.emit('observations', obs.slice(i, i + 100));
    expect(agent.outbox.depth).toBe(3000);
    // Same port, fresh broker; the cloud subscribes before the device is let in.
    broker = await startTlsBroker(pki, broker.port);
    broker.refuse.add(DEVICE);
    const old = cloud.messages;
    cloud = await subscriber(pki, broker.url, [TOPICS.all('obs'), TOPICS.all('status'), TOPICS.all('config/ack')], 'test-cloud-2');
    cloud.messages.unshift(...old);
    broker.refuse.delete(DEVICE);
    await until(() => agent.outbox.depth === 0, 60_000);
    await until(() => receivedIds().length >= before + 3000);
    const ids = receivedIds();
    expect(ids.length).toBe(before + 3000);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of obs) expect(ids).toContain(o.id);
  });

  it('applies a valid config over MQTT without a restart and acks it', async () => {
    const cfg = makeDesiredConfig({ deviceId: DEVICE, revision: 3 });
    expect(agent.cameras()).toEqual([]);
    cloud.client.publish(TOPICS.config(DEVICE), JSON.stringify(cfg), { qos: 1, retain: true });
    const m = await cloud.waitFor((x) => x.topic === TOPICS.configAck(DEVICE) && decodeConfigAck(x.payload).ok);
    expect(decodeConfigAck(m.payload)).toMatchObject({ ok: true, value: { status: 'applied', revision: 3 } });
    expect(agent.configRevision()).toBe(3);
    expect(agent.cameras().map((c) => c.id)).toEqual(['cam-1']); // started without a restart
  });

  it('rejects an invalid config naming the field and keeps the old one', async () => {
    const bad = { ...makeDesiredConfig({ deviceId: DEVICE, revision: 4 }) } as Record<string, unknown>;
    (bad.cameras as { url: string }[])[0]!.url = 'http://nope';
    cloud.client.publish(TOPICS.config(DEVICE), JSON.stringify(bad), { qos: 1, retain: true });
    const m = await cloud.waitFor((x) => {
      const a = decodeConfigAck(x.payload);
      return x.topic === TOPICS.configAck(DEVICE) && a.ok && a.value.revision === 4;
    });
    const ack = decodeConfigAck(m.payload);
    expect(ack).toMatchObject({ ok: true, value: { status: 'rejected', keptRevision: 3 } });
    expect(ack.ok && ack.value.status === 'rejected' && ack.value.error).toMatch(/^cameras\.0\.url: /);
    expect(agent.configRevision()).toBe(3);
  });

  it('keeps the applied config across a restart', async () => {
    await agent.stop();
    agent = await startAgent(agentConfig, { vision: new ScriptedVision() });
    expect(agent.configRevision()).toBe(3);
    expect(agent.cameras().map((c) => c.id)).toEqual(['cam-1']);
  });
});
