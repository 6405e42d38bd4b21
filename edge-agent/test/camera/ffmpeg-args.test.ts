import { describe, expect, it } from 'vitest';
import { ffmpegArgs } from '../../src/camera/ffmpeg-args.js';

const base = { sampleEverySeconds: 2, keyframesOnly: true, maxWidth: 1280 };

describe('ffmpeg arguments', () => {
  it('asks for the configured RTSP transport and samples one frame every N seconds as MJPEG on stdout', () => {
    for (const transport of ['tcp', 'udp'] as const) {
      const a = ffmpegArgs({ ...base, url: 'rtsp://u:p@10.0.0.5/s1', transport });
      expect(a.slice(a.indexOf('-rtsp_transport'), a.indexOf('-rtsp_transport') + 4)).toEqual([
        '-rtsp_transport',
        transport,
        '-i',
        'rtsp://u:p@10.0.0.5/s1',
      ]);
      expect(a[a.indexOf('-vf') + 1]).toBe("fps=1/2,scale='min(1280,iw)':-2");
      expect(a.slice(-3)).toEqual(['-f', 'image2pipe', 'pipe:1']);
      expect(a.indexOf('-skip_frame')).toBeLessThan(a.indexOf('-i'));
    }
  });

  it('loops a file:// source at its native rate', () => {
    const a = ffmpegArgs({ ...base, url: 'file:///srv/demo/shelf.mp4', transport: 'tcp', keyframesOnly: false });
    expect(a).not.toContain('-rtsp_transport');
    expect(a).not.toContain('-skip_frame');
    expect(a.slice(a.indexOf('-stream_loop'), a.indexOf('-stream_loop') + 5)).toEqual([
      '-stream_loop',
      '-1',
      '-re',
      '-i',
      '/srv/demo/shelf.mp4',
    ]);
  });
});
