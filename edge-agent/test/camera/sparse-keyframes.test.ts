/**
 * A camera whose keyframes are far apart ("smart codec" cameras, a long GOP at a low frame rate), read by the
 * agent's Camera with its real ffmpeg from a real RTSP server (rtsp-streaming-server, RTP over UDP) that
 * relays a looping clip: a reader joins mid-GOP, as with a real camera. The limits are lowered (stale 3 s,
 * first frame 5 s) and the keyframes 8 s apart, as the defaults (20 s, 15 s) stand to 25-60 s.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestVideo, publishLoop, startRtspServer, type Publisher, type RtspRelay } from '../helpers/rtsp.js';
import { probeCamera, until, type CameraProbe } from '../helpers/camera-probe.js';

const limits = { staleAfterSeconds: 3, firstFrameSeconds: 5, backoffMinMs: 300, backoffMaxMs: 1500, failAfterAttempts: 100 };
const cleanups: (() => Promise<void>)[] = [];

async function camera(keyframeEverySeconds: number): Promise<{ relay: RtspRelay; publisher: Publisher; probe: CameraProbe }> {
  const relay = await startRtspServer('/shelf');
  const publisher = publishLoop(makeTestVideo(24, keyframeEverySeconds), relay.publishUrl);
  const probe = probeCamera(relay.readUrl, { transport: 'udp' }, limits);
  cleanups.push(
    () => relay.stop(),
    () => publisher.stop(),
    () => probe.stop(),
  );
  return { relay, publisher, probe };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fallbackLines = (p: CameraProbe) => p.logs.filter((l) => l.includes('"keyframesApartOverS"'));

describe('a camera with keyframes far apart', () => {
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('decodes every frame after its first run, streams within bounded time and stays streaming; a stall still goes stale', async () => {
    const { publisher, probe } = await camera(8);
    // before: keyframes only, no picture came within the limits (the first needs two keyframes), so
    // ffmpeg was restarted every few seconds, for ever, and the camera never streamed
    await until(() => probe.sizes.length > 0 && probe.health().state === 'streaming', 'frames from the camera', 40_000);
    const lines = fallbackLines(probe);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, setting: 'camera.keyframesFallback' });
    expect(probe.health()).toMatchObject({ state: 'streaming', decoding: 'every-frame' });
    expect(probe.health().reason).toMatch(/^keyframes .*s apart: decoding every frame \(more CPU\)$/);

    // steady over two keyframe intervals: no restart, no stale, a picture every 0.5 s
    const restarts = probe.health().restarts;
    const frames = probe.sizes.length;
    const states = probe.states.length;
    await sleep(17_000);
    expect(probe.health().restarts).toBe(restarts);
    expect(probe.states.slice(states).filter((s) => !s.startsWith('streaming'))).toEqual([]);
    expect(probe.sizes.length - frames).toBeGreaterThan(25);
    // measured between two keyframes of the same run: the clip's 8 s
    expect(probe.health().keyframeIntervalS).toBeGreaterThan(7);
    expect(probe.health().keyframeIntervalS).toBeLessThan(9);
    expect(fallbackLines(probe)).toHaveLength(1);

    // the camera goes dark: stale and restarted after staleAfterSeconds, as any camera
    await publisher.stop();
    await until(() => probe.states.slice(states).some((s) => /^stale: no frame for \d+ s$/.test(s)), 'stale after the stall', 15_000);
    expect(probe.health().restarts).toBeGreaterThan(restarts);
    publisher.start();
    await until(() => probe.health().state === 'streaming', 'streaming again', 40_000);
  }, 150_000);

  it('a camera with keyframes a second apart that stalls goes stale and is restarted, still keyframes only', async () => {
    const { publisher, probe } = await camera(1);
    await until(() => probe.health().state === 'streaming', 'streaming', 40_000);
    const restarts = probe.health().restarts;
    await publisher.stop();
    await until(() => probe.states.some((s) => /^stale: no frame for \d+ s$/.test(s)), 'stale after the stall', 15_000);
    expect(probe.health().restarts).toBeGreaterThan(restarts);
    publisher.start();
    await until(() => probe.health().state === 'streaming' && probe.health().restarts > restarts, 'streaming again', 40_000);
    expect(fallbackLines(probe)).toEqual([]);
    expect(probe.health().decoding).toBeUndefined();
    expect(probe.health().reason).toBeUndefined();
  }, 120_000);
});
