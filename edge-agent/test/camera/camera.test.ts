import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, decodeDeviceStatus, type CameraHealth } from '@smartstock/protocol';
import { startAgent, type Agent } from '../../src/index.js';
import { makePki, startTlsBroker, subscriber, type Collected, type Pki, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';
import { makeTestVideo, publishLoop, startRtspServer, type Publisher, type RtspRelay } from '../helpers/rtsp.js';

let pki: Pki;
let broker: TlsBroker;
let cloud: Collected;
let video: string;
const agents: Agent[] = [];
const cleanups: (() => Promise<void>)[] = [];

// ffmpeg probes an RTSP stream for a few seconds before its first frame: stale must be longer than that.
const runtime = { staleAfterSeconds: 8, backoffMinMs: 300, backoffMaxMs: 1500, failAfterAttempts: 100, stopGraceMs: 1000 };
const cam = (id: string, url: string, transport: 'tcp' | 'udp' | 'auto' = 'tcp') => ({
  id,
  url,
  transport,
  sampleEverySeconds: 0.5,
  slots: [],
});

/** Camera states of one device as published in its retained status, in order, without repeats. */
function statesSeen(deviceId: string, cameraId: string): string[] {
  const out: string[] = [];
  for (const m of cloud.messages) {
    if (m.topic !== TOPICS.status(deviceId)) continue;
    const s = decodeDeviceStatus(m.payload);
    if (!s.ok || s.value.state !== 'online') continue;
    const c = s.value.cameras.find((x: CameraHealth) => x.id === cameraId);
    if (c && out.at(-1) !== c.state) out.push(c.state);
  }
  return out;
}
const until = async (cond: () => boolean, timeoutMs = 40_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  pki = makePki();
  broker = await startTlsBroker(pki);
  cloud = await subscriber(pki, broker.url, [TOPICS.all('status')]);
  video = makeTestVideo(6);
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const c of cleanups) await c();
  await cloud?.close();
  await broker?.stop();
});

describe('camera over real RTSP', () => {
  it('RTSP over UDP: stream dies → watchdog restarts ffmpeg → status shows stale, then streaming', async () => {
    const relay: RtspRelay = await startRtspServer('/shelf');
    cleanups.push(() => relay.stop());
    let pub: Publisher = publishLoop(video, relay.publishUrl);
    cleanups.push(() => pub.stop());
    const device = 'bar-udp';
    const agent = await startAgent(
      testAgentConfig(pki, broker.url, device, { camera: runtime, cameras: [cam('cam-1', relay.readUrl, 'udp')] }),
      {
        vision: new ScriptedVision(),
      },
    );
    agents.push(agent);
    await until(() => statesSeen(device, 'cam-1').includes('streaming'));
    const frames = await agent.metrics.frames.get();
    expect(frames.values[0]!.value).toBeGreaterThan(0);

    await pub.stop(); // the camera goes dark: UDP readers just stop getting packets
    await until(() => statesSeen(device, 'cam-1').includes('stale'));
    pub = publishLoop(video, relay.publishUrl);
    await until(() => statesSeen(device, 'cam-1').slice(statesSeen(device, 'cam-1').indexOf('stale')).includes('streaming'));
    const h = agent.cameras()[0]!;
    expect(h.restarts).toBeGreaterThan(0);
    expect(h.state).toBe('streaming');
  }, 120_000);

  it('a file:// loop delivers whole JPEG frames', async () => {
    const frames: Buffer[] = [];
    const agent = await startAgent(
      testAgentConfig(pki, broker.url, 'bar-file', { camera: runtime, cameras: [cam('file-1', pathToFileURL(video).href)] }),
      { vision: new ScriptedVision() },
    );
    agents.push(agent);
    agent.bus.on('frame', 'test', (f) => frames.push(f.jpeg));
    await until(() => agent.cameras().every((c) => c.state === 'streaming'));
    expect(frames[0]!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(frames[0]!.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it('a camera path that does not exist ends up failed with a reason a technician can act on', async () => {
    const relay = await startRtspServer('/shelf');
    cleanups.push(() => relay.stop());
    const agent = await startAgent(
      testAgentConfig(pki, broker.url, 'bar-404', {
        camera: { ...runtime, failAfterAttempts: 2 },
        cameras: [cam('cam-x', relay.readUrl.replace('/shelf', '/nope'), 'udp')],
      }),
      { vision: new ScriptedVision() },
    );
    agents.push(agent);
    await until(() => agent.cameras()[0]!.state === 'failed');
    expect(agent.cameras()[0]!.reason).toMatch(/404|not found/i);
  });
});
