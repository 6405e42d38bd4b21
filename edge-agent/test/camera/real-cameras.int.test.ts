/**
 * What real IP cameras do, served by GStreamer's gst-rtsp-server (not our RTSP code), read by the agent's
 * Camera with its real ffmpeg: other codecs and URL shapes, Digest auth with a password full of URL
 * characters, a resolution change mid-stream, a clock jump, a portrait camera. The README's
 * "cameras we checked" table lists the rest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gstMissing, startGstRtsp, type GstOptions, type GstRtsp } from '../helpers/gst-rtsp.js';
import { probeCamera, until, type CameraProbe } from '../helpers/camera-probe.js';
import { makePki } from '../helpers/broker.js';

const servers: GstRtsp[] = [];
const probes: CameraProbe[] = [];

const video = (w: number, h: number, fps = 10) => `video/x-raw,format=I420,width=${w},height=${h},framerate=${fps}/1`;
const h264 = (caps: string, keyEvery = 10) =>
  `videotestsrc is-live=true pattern=ball ! ${caps} ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${keyEvery} ` +
  '! rtph264pay name=pay0 pt=96 config-interval=1';

async function serve(o: GstOptions): Promise<GstRtsp> {
  const server = await startGstRtsp(o);
  servers.push(server);
  return server;
}

function probe(...args: Parameters<typeof probeCamera>): CameraProbe {
  const p = probeCamera(...args);
  probes.push(p);
  return p;
}

/** The longest run of the same picture in a row. */
function longestRepeat(digests: readonly string[]): number {
  let longest = 0;
  let run = 0;
  digests.forEach((d, i) => {
    run = i > 0 && digests[i - 1] === d ? run + 1 : 1;
    longest = Math.max(longest, run);
  });
  return longest;
}

describe.skipIf(gstMissing)('real camera behaviour (gst-rtsp-server)', () => {
  afterAll(async () => {
    await Promise.all(probes.map((p) => p.stop()));
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('streams H.265, MJPEG, H.264 with an AAC track, Dahua and Hikvision URLs, rtsps:// and a UDP-only camera', async () => {
    const login = { user: 'viewer', password: 'tls:pass@1' };
    // a camera's own certificate (ffmpeg does not check it, as cameras' are self-signed)
    const tls = makePki().device('camera');
    const kinds: [string, GstOptions, Partial<Parameters<typeof probeCamera>[1]>?][] = [
      [
        'h265',
        {
          launch: `videotestsrc is-live=true pattern=ball ! ${video(640, 360)} ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph265pay name=pay0 pt=96 config-interval=1`,
        },
      ],
      ['mjpeg', { launch: `videotestsrc is-live=true pattern=ball ! ${video(640, 360)} ! jpegenc ! rtpjpegpay name=pay0 pt=26` }],
      ['audio', { launch: `${h264(video(640, 360))} audiotestsrc is-live=true ! voaacenc ! rtpmp4gpay name=pay1 pt=97` }],
      ['dahua', { mount: '/cam/realmonitor?channel=1&subtype=0' }],
      ['hikvision', { mount: '/Streaming/Channels/101' }],
      ['udp-only', { udpOnly: true }, { transport: 'auto' }],
      ['rtsps', { tls, ...login }],
    ];
    const running = await Promise.all(
      kinds.map(async ([name, o, camera]) => ({ name, probe: probe((await serve(o)).url(o.user ? login : undefined), camera) })),
    );
    for (const { name, probe: p } of running) await until(() => p.sizes.length >= 2, `frames from the ${name} camera`, 60_000);
    for (const { probe: p } of running) expect(p.sizes[0]).toBe('640x360');
  });

  it('Digest auth with @ : / % # ? & in the password (URL-encoded) streams; the password is in no log line', async () => {
    const login = { user: 'admin', password: 'p@ss:w/rd%1#?&' };
    const camera = await serve({ ...login, digest: true });
    const p = probe(camera.url(login));
    await until(() => p.sizes.length >= 2, 'frames with Digest auth');
    const encoded = encodeURIComponent(login.password);
    expect(p.logs.join('\n')).not.toContain(encoded);
    expect(p.logs.join('\n')).not.toContain(login.password);
    expect(p.logs.some((l) => l.includes('starting ffmpeg') && l.includes('admin:***@'))).toBe(true);
  });

  it('a wrong password: failed with "auth failed" at once, then no retry for authRetrySeconds; no password logged', async () => {
    const login = { user: 'admin', password: 'right:p@ss' };
    const wrong = { user: 'admin', password: 'wr@ng/p%ss' };
    const camera = await serve({ ...login, digest: true });
    const p = probe(camera.url(wrong), {}, { backoffMinMs: 300, backoffMaxMs: 1500, authRetrySeconds: 300 });
    await until(() => p.health().state === 'failed', 'failed');
    expect(p.health().reason).toBe('auth failed: check the camera user and password');
    const restarts = p.health().restarts;
    // the short ladder (300 ms, 600 ms, …) would have tried the camera several times by now
    await new Promise((r) => setTimeout(r, 4000));
    expect(p.health().restarts).toBe(restarts);
    const logs = p.logs.join('\n');
    for (const secret of [wrong.password, encodeURIComponent(wrong.password)]) expect(logs).not.toContain(secret);
    expect(logs).toMatch(/"retryInMs":300000/);
  });

  it('a resolution change mid-stream gives frames at the new size, not the old size squashed', async () => {
    // 16:9 to 4:3: ffmpeg squashed every later picture into 640x360 for as long as it ran
    const camera = await serve({
      launch: h264(`videoscale ! capsfilter name=size caps=${video(640, 360)}`),
      switchCaps: { caps: video(640, 480), after: 4 },
    });
    const p = probe(camera.url());
    await until(() => p.sizes.includes('640x480'), 'a frame at the new size', 60_000);
    expect(p.sizes[0]).toBe('640x360');
    expect(p.states.some((s) => s.includes('the camera changed its resolution'))).toBe(true);
    await until(() => p.health().state === 'streaming', 'streaming at the new size');
  });

  it('a camera whose clock jumps an hour ahead mid-stream does not flood the agent with copies of one picture', async () => {
    const camera = await serve({ tsJump: { seconds: 3600, after: 3 } });
    const p = probe(camera.url());
    await until(() => p.sizes.length >= 30, '30 frames, most after the jump', 60_000);
    // a keyframe a second sampled twice a second repeats each picture about twice; the jump used to
    // give thousands of copies of the last picture before it, in a burst
    expect(longestRepeat(p.digests)).toBeLessThan(10);
  });

  it('a portrait camera (1080x1920) is limited by its longest side', async () => {
    const camera = await serve({ launch: h264(video(1080, 1920, 5), 5) });
    const p = probe(camera.url(), {}, { maxWidth: 1280 });
    await until(() => p.sizes.length >= 1, 'a portrait frame', 60_000);
    expect(p.sizes[0]).toBe('720x1280');
  });
});
