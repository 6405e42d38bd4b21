import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, decodeObservationBatch, decodeSnapshot, MAX_SNAPSHOT_JPEG_BYTES, type Observation } from '@smartstock/protocol';
import { startAgent, type Agent } from '../../src/index.js';
import { makePki, startTlsBroker, subscriber, type Collected, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision, bottleAt } from '../helpers/scripted-vision.js';
import { makeShelfVideo } from '../helpers/shelf-video.js';

/**
 * The whole path with a scripted detector (the shelf logic is what is checked
 * here; e2e.test.ts runs the real models): generator video → ffmpeg → vision
 * → shelf → outbox → MQTT, plus a snapshot over MQTT.
 */
const DEVICE = 'bar-pipeline';
let broker: TlsBroker;
let cloud: Collected;
let agent: Agent;

const left = [
  [0, 0],
  [0.5, 0],
  [0.5, 1],
  [0, 1],
] as [number, number][];
const right = left.map(([x, y]) => [x + 0.5, y] as [number, number]);

beforeAll(async () => {
  const pki = makePki();
  broker = await startTlsBroker(pki);
  cloud = await subscriber(pki, broker.url, [TOPICS.obs(DEVICE), TOPICS.snapshot(DEVICE)]);
  const shelf = await makeShelfVideo({ seed: 11, frames: 6, fps: 2 });
  // 640×480 scripted frames: three bottles on the left (the last 62 % full), two on the right.
  const scene = [bottleAt(60, 200), bottleAt(120, 200), bottleAt(180, 200, 0.62), bottleAt(400, 200), bottleAt(500, 200, 0.3)];
  agent = await startAgent(
    testAgentConfig(pki, broker.url, DEVICE, {
      shelf: { consistentReadings: 2 },
      cameras: [
        {
          id: 'back-bar',
          url: pathToFileURL(shelf.video).href,
          sampleEverySeconds: 0.5,
          slots: [
            { id: 'well-left', sku: 'TITOS-750', polygon: left },
            { id: 'well-right', sku: 'JAMESON-700', polygon: right },
          ],
        },
      ],
    }),
    { vision: new ScriptedVision([scene]) },
  );
});
afterAll(async () => {
  await agent?.stop();
  await cloud?.close();
  await broker?.stop();
});

describe('camera → vision → shelf → outbox → broker', () => {
  it('delivers the counts of a known scene', async () => {
    const seen = () =>
      cloud.messages
        .filter((m) => m.topic === TOPICS.obs(DEVICE))
        .flatMap((m) => {
          const b = decodeObservationBatch(m.payload);
          return b.ok ? b.value.observations : [];
        });
    const end = Date.now() + 40_000;
    while (new Set(seen().map((o) => o.slotId)).size < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const bySlot = new Map<string, Observation>(seen().map((o) => [o.slotId, o]));
    expect(bySlot.get('well-left')).toMatchObject({
      cameraId: 'back-bar',
      sku: 'TITOS-750',
      count: 3,
      fills: [1, 1, 0.62],
      units: 2.62,
      state: 'ok',
      reason: 'change',
    });
    expect(bySlot.get('well-right')).toMatchObject({ sku: 'JAMESON-700', count: 2, units: 1.3 });
  });

  it('answers a snapshot request with a JPEG under 120 KB', async () => {
    cloud.client.publish(TOPICS.snapshotRequest(DEVICE), JSON.stringify({ v: 1, requestId: 'req-1', cameraId: 'back-bar' }), { qos: 0 });
    const m = await cloud.waitFor((x) => x.topic === TOPICS.snapshot(DEVICE), 30_000);
    const s = decodeSnapshot(m.payload);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.value.header).toMatchObject({ status: 'ok', requestId: 'req-1', cameraId: 'back-bar' });
    expect(s.value.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(s.value.jpeg.length).toBeLessThanOrEqual(MAX_SNAPSHOT_JPEG_BYTES);
  });

  it('answers a request for a frame without the overlay (what correction crops are cut from)', async () => {
    const req = { v: 1, requestId: 'req-plain', cameraId: 'back-bar', overlay: false };
    cloud.client.publish(TOPICS.snapshotRequest(DEVICE), JSON.stringify(req), { qos: 0 });
    const answerTo = (p: Buffer) => {
      const d = decodeSnapshot(p);
      return d.ok ? d.value.header : undefined;
    };
    const m = await cloud.waitFor((x) => x.topic === TOPICS.snapshot(DEVICE) && answerTo(x.payload)?.requestId === 'req-plain', 30_000);
    expect(answerTo(m.payload)).toMatchObject({ status: 'ok', requestId: 'req-plain' });
  });
});
