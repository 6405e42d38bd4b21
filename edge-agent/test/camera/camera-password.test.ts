/**
 * A camera's password is in its RTSP URL. It must not be on ffmpeg's command line, where every local
 * user reads it (`ps`, /proc/<pid>/cmdline), nor in any log line the agent writes: ffmpeg's own error
 * lines echo the URL they failed to open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childCommandLines, commandLines } from '@smartstock/runtime/testing';
import { probeCamera, until, type CameraProbe } from '../helpers/camera-probe.js';
import { makeTestVideo, publishLoop, startRtspServer, type Publisher, type RtspRelay } from '../helpers/rtsp.js';

const PASSWORD = 'Sh3lf-s3cret';
const withLogin = (url: string) => url.replace('rtsp://', `rtsp://viewer:${PASSWORD}@`);

/** The ffmpeg children of this test process that read a camera. */
function cameraFfmpegs(): string[] {
  return childCommandLines().filter((line) => line.includes('image2pipe') && !line.includes('-stream_loop'));
}

describe("a camera's password", () => {
  let relay: RtspRelay;
  let publisher: Publisher;
  const probes: CameraProbe[] = [];
  beforeAll(async () => {
    relay = await startRtspServer('/shelf');
    publisher = publishLoop(makeTestVideo(6), relay.publishUrl);
  });
  afterAll(async () => {
    await Promise.all(probes.map((p) => p.stop()));
    await publisher?.stop();
    await relay?.stop();
  });

  it('is on no process command line while the camera streams, and in none of its log lines', async () => {
    const p = probeCamera(withLogin(relay.readUrl), { transport: 'udp' });
    probes.push(p);
    await until(() => p.sizes.length >= 2, 'frames through the URL with a password');
    const ffmpegs = cameraFfmpegs();
    expect(ffmpegs).toHaveLength(1);
    for (const [pid, line] of commandLines()) expect(line, `process ${pid}`).not.toContain(PASSWORD);
    expect(p.logs.join('\n')).not.toContain(PASSWORD);
    expect(p.logs.some((l) => l.includes('starting ffmpeg') && l.includes('viewer:***@'))).toBe(true);
    await p.stop();
  });

  it("is in no log line or health reason when the camera fails and ffmpeg's errors echo its URL", async () => {
    const p = probeCamera(withLogin(relay.readUrl.replace('/shelf', '/nope')), { transport: 'udp' }, { failAfterAttempts: 2 });
    probes.push(p);
    await until(() => p.health().state === 'failed', 'failed');
    expect(p.health().reason).toMatch(/404|not found/i);
    // ffmpeg did say which URL it could not open: redacted
    expect(p.logs.some((l) => l.includes('viewer:***@'))).toBe(true);
    expect(p.logs.join('\n')).not.toContain(PASSWORD);
    expect(p.states.join('\n')).not.toContain(PASSWORD);
  });
});
