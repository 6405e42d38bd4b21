import { describe, expect, it } from 'vitest';
import { classifyFailure, keyframeInterval, parseFrameTimes, parseInputStream } from '../../src/camera/probe-parse.js';

// trimmed from real ffmpeg 5.1 output
const OUTPUT = `Input #0, rtsp, from 'rtsp://127.0.0.1:8554/cam':
  Metadata:
    title           : No Name
  Duration: N/A, start: 0.100000, bitrate: N/A
  Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
Output #0, null, to 'pipe:':
  Stream #0:0: Video: wrapped_avframe, yuv420p(progressive), 320x240, q=2-31, 200 kb/s, 25 fps, 25 tbn
[Parsed_showinfo_0 @ 0x55] n:   0 pts:      0 pts_time:0       duration:   3600 fmt:yuv420p iskey:1 type:I
[Parsed_showinfo_0 @ 0x55] n:   1 pts:   3600 pts_time:0.04    duration:   3600 fmt:yuv420p iskey:0 type:P
[Parsed_showinfo_0 @ 0x55] n:   2 pts: 180000 pts_time:2       duration:   3600 fmt:yuv420p iskey:1 type:I
[Parsed_showinfo_0 @ 0x55] n:   3 pts: 360000 pts_time:4       duration:   3600 fmt:yuv420p iskey:1 type:I
`;

describe('reading ffmpeg output', () => {
  it('takes the stream from the Input section only', () => {
    expect(parseInputStream(OUTPUT)).toEqual({ codec: 'h264', profile: 'High', width: 1920, height: 1080, fps: 25 });
    expect(parseInputStream('nothing here')).toBeNull();
  });

  it('finds keyframes and their spacing', () => {
    const t = parseFrameTimes(OUTPUT);
    expect(t).toEqual({ frames: 4, keyframeTimes: [0, 2, 4], firstPts: 0, lastPts: 4 });
    expect(keyframeInterval(t.keyframeTimes)).toBe(2);
    expect(keyframeInterval([3])).toBeNull();
  });

  it('turns camera errors into plain words', () => {
    expect(classifyFailure('[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized')?.message).toMatch(/refused the credentials/);
    expect(classifyFailure('[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found')?.message).toMatch(/no stream at that path/);
    expect(classifyFailure('[tcp @ 0x1] Connection to tcp://10.0.0.9:554 failed: Connection timed out')?.message).toMatch(/did not answer/);
    expect(classifyFailure('all good')).toBeNull();
  });

  it('says a refused transport is the transport, not the path, and names the other one', () => {
    // what ffmpeg says of a UDP-only camera (the demo's relay) asked for TCP
    const udpOnly = '[rtsp @ 0x1] method SETUP failed: 461 Unsupported Transport\nrtsp://127.0.0.1:8555/shelf: Protocol not supported';
    expect(classifyFailure(udpOnly, 'tcp')).toEqual({
      message: 'the camera does not stream over RTSP TCP',
      fix: "probe again with --transport udp, and give the camera that transport in the device's config",
    });
    expect(classifyFailure(udpOnly, 'udp')?.fix).toMatch(/--transport tcp/);
    expect(classifyFailure(udpOnly)?.message).not.toMatch(/no stream at that path/);
  });
});
