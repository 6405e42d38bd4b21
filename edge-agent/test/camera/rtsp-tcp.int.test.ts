/**
 * RTSP over TCP against a real server that is not ours: GStreamer's gst-rtsp-server, set to
 * refuse UDP (461) as many cameras behind NAT or firewalls effectively do, with Basic auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/index.js';
import { makePki, startTlsBroker, type Pki, type TlsBroker } from '../helpers/broker.js';
import { testAgentConfig } from '../helpers/agent-config.js';
import { ScriptedVision } from '../helpers/scripted-vision.js';
import { gstMissing, startGstRtsp, type GstRtsp } from '../helpers/gst-rtsp.js';

const runtime = { staleAfterSeconds: 8, backoffMinMs: 300, backoffMaxMs: 1500, failAfterAttempts: 100, stopGraceMs: 1000 };
const login = { user: 'tech', password: 'shelf-cam-7' };

let pki: Pki;
let broker: TlsBroker;
let camera: GstRtsp;
const agents: Agent[] = [];

const until = async (cond: () => boolean, what: string, timeoutMs = 40_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

async function agentOn(deviceId: string, url: string, transport: 'tcp' | 'udp' | 'auto', camera = runtime): Promise<Agent> {
  const agent = await startAgent(
    testAgentConfig(pki, broker.url, deviceId, {
      camera,
      cameras: [{ id: 'back-bar', url, transport, sampleEverySeconds: 0.5, slots: [] }],
    }),
    { vision: new ScriptedVision() },
  );
  agents.push(agent);
  return agent;
}

describe.skipIf(gstMissing)('camera over RTSP/TCP (gst-rtsp-server)', () => {
  beforeAll(async () => {
    pki = makePki();
    broker = await startTlsBroker(pki);
    camera = await startGstRtsp({ tcpOnly: true, ...login });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await camera?.stop();
    await broker?.stop();
  });

  it('streams over TCP; the camera dies → stale and restarting; it comes back → streaming again', async () => {
    const agent = await agentOn('bar-tcp', camera.url(login), 'tcp');
    let frames = 0;
    agent.bus.on('frame', 'test', () => frames++);
    await until(() => agent.cameras()[0]!.state === 'streaming', 'first frames over TCP');
    expect(frames).toBeGreaterThan(0);

    camera.kill();
    await until(() => agent.cameras()[0]!.restarts > 0 && agent.cameras()[0]!.state !== 'streaming', 'the watchdog to notice');
    await camera.start();
    const before = frames;
    await until(() => agent.cameras()[0]!.state === 'streaming' && frames > before, 'streaming again after the camera came back', 60_000);
  });

  it('auto: a camera that refuses UDP is read over TCP', async () => {
    const agent = await agentOn('bar-auto', camera.url(login), 'auto');
    await until(() => agent.cameras()[0]!.state === 'streaming', 'streaming with transport auto');
  });

  it('udp against a TCP-only camera fails with the reason, not silently', async () => {
    const agent = await agentOn('bar-udp', camera.url(login), 'udp', { ...runtime, failAfterAttempts: 2 });
    await until(() => agent.cameras()[0]!.state === 'failed', 'failed');
    expect(agent.cameras()[0]!.reason).toMatch(/transport|461|protocol/i);
  });

  it('a wrong password ends in failed with "auth failed", and the password is never in the reason', async () => {
    const agent = await agentOn('bar-auth', camera.url({ user: 'tech', password: 'wrong-pass' }), 'tcp', {
      ...runtime,
      failAfterAttempts: 2,
    });
    await until(() => agent.cameras()[0]!.state === 'failed', 'failed');
    const reason = agent.cameras()[0]!.reason ?? '';
    expect(reason).toMatch(/auth failed/);
    expect(reason).not.toContain('wrong-pass');
  });
});
