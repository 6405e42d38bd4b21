import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, assignToSlots, loadBottleVision } from '@smartstock/models';
import { TOPICS, decodeObservationBatch, type Observation } from '@smartstock/protocol';
import { startAgent, type Agent } from '../../src/index.js';
import { makePki, startTlsBroker, subscriber, type Collected, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { publishLoop, startRtspServer, type Publisher, type RtspRelay } from '../helpers/rtsp.js';
import { makeShelfVideo } from '../helpers/shelf-video.js';
import { rowSlots } from '../helpers/passer-by.js';

/**
 * End to end with every real part: the generator's shelf video published to a
 * real RTSP server by ffmpeg, the agent with the real ONNX models (loaded by
 * the agent itself), a real TLS broker. Runs only once models/onnx holds the
 * trained models; until then it reports itself as skipped.
 */
const HAVE_MODELS = existsSync(join(DEFAULT_MODEL_DIR, 'detector.json'));
const DEVICE = 'bar-e2e';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.skipIf(!HAVE_MODELS)('edge agent end to end with the real models', () => {
  let broker: TlsBroker;
  let cloud: Collected;
  let agent: Agent;

  it('counts arrive for a shelf whose truth is known', async () => {
    const pki = makePki();
    broker = await startTlsBroker(pki);
    cleanups.push(() => broker.stop());
    cloud = await subscriber(pki, broker.url, [TOPICS.obs(DEVICE)]);
    cleanups.push(() => cloud.close());
    const shelf = await makeShelfVideo({ seed: 3, frames: 20, fps: 5, width: 960, height: 540, still: true });
    const slots = rowSlots(
      shelf.truth[0]!.bottles.filter((b) => !b.ignore),
      shelf.width,
      shelf.height,
    );
    // What the vision library itself sees in this frame: the agent must deliver that through
    // RTSP, ffmpeg, sampling, smoothing and MQTT. Model accuracy against the truth is the
    // Vision issue's evaluation; it is printed here, not asserted.
    const bare = await loadBottleVision();
    const direct = assignToSlots(
      await bare.analyze(shelf.firstJpeg),
      slots.map((s) => s.slot),
    );
    await bare.close();
    const relay: RtspRelay = await startRtspServer('/back-bar');
    cleanups.push(() => relay.stop());
    const pub: Publisher = publishLoop(shelf.video, relay.publishUrl);
    cleanups.push(() => pub.stop());
    agent = await startAgent(
      testAgentConfig(pki, broker.url, DEVICE, {
        shelf: { consistentReadings: 2 },
        camera: { staleAfterSeconds: 10, backoffMinMs: 500, backoffMaxMs: 2000 },
        cameras: [{ id: 'back-bar', url: relay.readUrl, transport: 'udp', sampleEverySeconds: 1, slots: slots.map((s) => s.slot) }],
      }),
    );
    cleanups.push(() => agent.stop());
    const got = new Map<string, Observation>();
    const end = Date.now() + 90_000;
    while (got.size < slots.length && Date.now() < end) {
      for (const m of cloud.messages.splice(0)) {
        const b = decodeObservationBatch(m.payload);
        if (b.ok) for (const o of b.value.observations) got.set(o.slotId, o);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const { slot, expected: truth } of slots) {
      const o = got.get(slot.id);
      const expected = direct.get(slot.id)!.length;
      console.log(`${slot.id}: agent counted ${o?.count}, vision library on the frame ${expected}, truth ${truth}`);
      expect(o, `no observation for ${slot.id}`).toBeDefined();
      if (truth > 0) expect(o!.count).toBeGreaterThan(0);
      expect(Math.abs(o!.count - expected), `${slot.id}: counted ${o!.count}, the vision library sees ${expected}`).toBeLessThanOrEqual(
        Math.max(1, Math.round(expected * 0.2)),
      );
    }
    expect(Object.keys(agent.status().models).length).toBeGreaterThan(0);
  }, 180_000);
});
