/**
 * npm run check:cameras -w edge-agent [-- name …]: the "cameras we checked" table of the README, measured.
 * Each behaviour of a real camera is served by GStreamer's gst-rtsp-server (test/helpers/gst_rtsp_server.py)
 * and read by the agent's Camera with its real ffmpeg for a few seconds; one JSON line per camera: frames,
 * JPEG and raw sizes, the states it went through, restarts, and any log line that held the password.
 * Names narrow it (`-- clock "res change"`); PAR=n runs n at once (3); LOGS=1 prints every log line.
 */
import { makePki } from '../test/helpers/broker.js';
import { probeCamera } from '../test/helpers/camera-probe.js';
import { gstMissing, startGstRtsp, type GstOptions, type GstRtsp } from '../test/helpers/gst-rtsp.js';

interface Check {
  name: string;
  gst: GstOptions;
  login?: { user: string; password: string };
  transport?: 'tcp' | 'udp' | 'auto';
  /** camera: settings other than the checks' short ones (camera-probe.ts). */
  runtime?: Parameters<typeof probeCamera>[2];
  seconds?: number;
  during?: (camera: GstRtsp) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const caps = (w: number, h: number, fps = '10/1') => `video/x-raw,format=I420,width=${w},height=${h},framerate=${fps}`;
const h264 = (source: string, keyEvery = 10, before = '') =>
  `videotestsrc is-live=true pattern=ball ! ${source} ! ${before}x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${keyEvery} ` +
  '! rtph264pay name=pay0 pt=96 config-interval=1';
const login = { user: 'admin', password: 'p@ss:w/rd%1#?&' };
const wrong = { user: 'admin', password: 'wr@ng:pw' };
const tls = makePki().device('camera');

const checks: Check[] = [
  { name: 'tcp-only, basic auth', gst: { tcpOnly: true, ...login }, login },
  { name: 'tcp-only, transport udp', gst: { tcpOnly: true }, transport: 'udp' },
  { name: 'udp-only, transport tcp', gst: { udpOnly: true } },
  { name: 'udp-only, transport auto', gst: { udpOnly: true }, transport: 'auto', seconds: 20 },
  { name: 'digest auth', gst: { digest: true, ...login }, login },
  { name: 'digest, wrong password', gst: { digest: true, ...login }, login: wrong, seconds: 15 },
  { name: 'basic, wrong password', gst: login, login: wrong, seconds: 15 },
  {
    name: 'h265',
    gst: {
      launch: `videotestsrc is-live=true pattern=ball ! ${caps(640, 360)} ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph265pay name=pay0 pt=96 config-interval=1`,
    },
  },
  { name: 'mjpeg', gst: { launch: `videotestsrc is-live=true pattern=ball ! ${caps(640, 360)} ! jpegenc ! rtpjpegpay name=pay0 pt=26` } },
  { name: 'h264 + G.711', gst: { launch: `${h264(caps(640, 360))} audiotestsrc is-live=true ! alawenc ! rtppcmapay name=pay1 pt=8` } },
  { name: 'h264 + AAC', gst: { launch: `${h264(caps(640, 360))} audiotestsrc is-live=true ! voaacenc ! rtpmp4gpay name=pay1 pt=97` } },
  { name: '2560x1440', gst: { launch: h264(caps(2560, 1440, '5/1'), 5) } },
  { name: '3840x2160', gst: { launch: h264(caps(3840, 2160, '2/1'), 2) }, seconds: 20 },
  { name: '640x480', gst: { launch: h264(caps(640, 480)) } },
  { name: '1080x1920 portrait', gst: { launch: h264(caps(1080, 1920, '5/1'), 5) } },
  { name: '1 fps, keyframe every 1 s', gst: { launch: h264(caps(640, 360, '1/1'), 1) }, seconds: 20 },
  { name: '1 fps, keyframe every 4 s', gst: { launch: h264(caps(640, 360, '1/1'), 4) }, seconds: 20 },
  { name: 'variable frame rate', gst: { launch: h264(caps(640, 360), 10, 'identity drop-probability=0.5 ! ') } },
  { name: 'keyframe every 25 s', gst: { launch: h264(caps(640, 360), 250) }, seconds: 45 },
  {
    name: 'keyframe every 25 s, staleAfter/firstFrame 40 s',
    gst: { launch: h264(caps(640, 360), 250) },
    runtime: { staleAfterSeconds: 40, firstFrameSeconds: 40 },
    seconds: 70,
  },
  {
    name: 'broken keyframes',
    gst: {
      launch: `videotestsrc is-live=true pattern=ball ! ${caps(640, 360)} ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! breakmydata probability=0.0002 ! rtph264pay name=pay0 pt=96 config-interval=1`,
    },
  },
  {
    name: 'res change 640x360 -> 1280x720',
    gst: { launch: h264(`videoscale ! capsfilter name=size caps=${caps(640, 360)}`), switchCaps: { caps: caps(1280, 720), after: 5 } },
    seconds: 18,
  },
  {
    name: 'res change 640x360 -> 640x480',
    gst: { launch: h264(`videoscale ! capsfilter name=size caps=${caps(640, 360)}`), switchCaps: { caps: caps(640, 480), after: 5 } },
    seconds: 18,
  },
  { name: 'dahua /cam/realmonitor?channel=1&subtype=0', gst: { mount: '/cam/realmonitor?channel=1&subtype=0' } },
  { name: 'hikvision /Streaming/Channels/101', gst: { mount: '/Streaming/Channels/101' } },
  { name: 'rtsps, basic auth', gst: { tls, ...login }, login },
  { name: 'clock +1 h', gst: { tsJump: { seconds: 3600, after: 4 } }, seconds: 16 },
  { name: 'clock -1 h', gst: { tsJump: { seconds: -3600, after: 4 } }, seconds: 30 },
  {
    name: 'stall 20 s, socket open',
    gst: {},
    seconds: 40,
    during: async (camera) => {
      await sleep(6000);
      camera.pause();
      await sleep(20_000);
      camera.resume();
    },
  },
];

async function check(c: Check): Promise<void> {
  const camera = await startGstRtsp(c.gst);
  const p = probeCamera(camera.url(c.login), { transport: c.transport ?? 'tcp' }, c.runtime);
  const during = c.during?.(camera);
  await sleep((c.seconds ?? 12) * 1000);
  await during;
  const health = p.health();
  await p.stop();
  await camera.stop();
  const secrets = c.login ? [c.login.password, encodeURIComponent(c.login.password)] : [];
  const leaks = p.logs.filter((line) => secrets.some((s) => line.includes(s)));
  const distinct = (a: string[]) => [...new Set(a)];
  const { name } = c;
  const { state, reason, restarts } = health;
  console.log(
    JSON.stringify({
      name,
      frames: p.sizes.length,
      jpeg: distinct(p.sizes),
      raw: distinct(p.rawSizes),
      state,
      reason,
      restarts,
      states: p.states,
      leaks,
    }),
  );
  if (process.env.LOGS) for (const line of p.logs) console.log('   ', line.slice(0, 400));
}

if (gstMissing) {
  console.error(gstMissing);
  process.exit(1);
}
const names = process.argv.slice(2);
const queue = names.length ? checks.filter((c) => names.some((n) => c.name.includes(n))) : [...checks];
await Promise.all(
  Array.from({ length: Number(process.env.PAR ?? 3) }, async () => {
    for (let c = queue.shift(); c; c = queue.shift())
      await check(c).catch((err: unknown) => console.log(JSON.stringify({ name: c!.name, error: String(err) })));
  }),
);
