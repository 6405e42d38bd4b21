import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { findFfmpeg } from '@smartstock/runtime';
import { ffmpegArgs, limitLongestSide, shrinkOnLoadWidth } from '../../src/camera/ffmpeg-args.js';
import { PacketLines } from '../../src/camera/packet-lines.js';
import { PpmSplitter } from '../../src/camera/ppm-splitter.js';

const base = { sampleEverySeconds: 2, keyframesOnly: true, maxWidth: 1280 };

describe('ffmpeg arguments', () => {
  it('asks for the configured RTSP transport and samples one frame every N seconds as MJPEG on stdout', () => {
    for (const transport of ['tcp', 'udp'] as const) {
      const { args: a, stdin } = ffmpegArgs({ ...base, url: 'rtsp://u:p@10.0.0.5/s1', transport });
      expect(a.slice(a.indexOf('-f'), a.indexOf('-f') + 6)).toEqual(['-f', 'concat', '-safe', '0', '-i', 'pipe:0']);
      expect(stdin).toContain(`option rtsp_transport ${transport}\n`);
      expect(a[a.indexOf('-vf') + 1]).toBe(`fps=1/2,${limitLongestSide(1280)}`);
      expect(a.slice(-3)).toEqual(['-f', 'image2pipe', 'pipe:1']);
      expect(a.indexOf('-skip_frame')).toBeLessThan(a.indexOf('-i'));
    }
  });

  it("keeps a camera's URL and password off the command line: ffmpeg reads them from stdin", () => {
    const url = 'rtsp://admin:s3cret%40pass@10.0.0.5:554/Streaming/Channels/101?transportmode=unicast';
    const { args, stdin } = ffmpegArgs({ ...base, url, transport: 'tcp' });
    expect(args.join(' ')).not.toContain('s3cret');
    expect(args.join(' ')).not.toContain('10.0.0.5');
    expect(stdin!.split('\n')).toEqual([
      'ffconcat version 1.0',
      `file '${url}'`,
      'option rtsp_transport tcp',
      'option use_wallclock_as_timestamps 1',
      '',
    ]);
  });

  it("stamps a camera's packets with the agent's clock and does not re-create the filters on a new picture size", () => {
    const { args: a, stdin } = ffmpegArgs({ ...base, url: 'rtsp://cam/s1', transport: 'tcp' });
    const input = a.slice(0, a.indexOf('-i'));
    expect(stdin).toContain('option use_wallclock_as_timestamps 1\n');
    expect(input.join(' ')).toContain('-reinit_filter 0');
  });

  it('limits the longest side: landscape by its width, portrait by its height, smaller ones untouched', () => {
    const sizeOf = (w: number, h: number) => {
      const r = spawnSync(
        findFfmpeg(),
        ['-v', 'error', '-f', 'lavfi', '-i', `color=size=${w}x${h}:duration=0.1`, '-frames:v', '1', '-vf', limitLongestSide(1280)].concat([
          '-c:v',
          'ppm',
          '-f',
          'image2pipe',
          '-',
        ]),
        { maxBuffer: 64 << 20 },
      );
      const [frame] = new PpmSplitter().push(r.stdout);
      return `${frame!.width}x${frame!.height}`;
    };
    expect(sizeOf(2560, 1440)).toBe('1280x720');
    expect(sizeOf(3840, 2160)).toBe('1280x720');
    expect(sizeOf(1080, 1920)).toBe('720x1280');
    expect(sizeOf(2160, 3840)).toBe('720x1280');
    expect(sizeOf(640, 480)).toBe('640x480');
  });

  it('loops a file:// source at its native rate', () => {
    const { args: a, stdin } = ffmpegArgs({ ...base, url: 'file:///srv/demo/shelf.mp4', transport: 'tcp', keyframesOnly: false });
    expect(stdin).toBeUndefined();
    expect(a).not.toContain('concat');
    expect(a).not.toContain('-skip_frame');
    expect(a.slice(a.indexOf('-stream_loop'), a.indexOf('-stream_loop') + 5)).toEqual([
      '-stream_loop',
      '-1',
      '-re',
      '-i',
      '/srv/demo/shelf.mp4',
    ]);
  });

  it('with raw frames, writes the JPEG on stdout, the frame on pipe 3 and the detector view on pipe 4', () => {
    const { args: a } = ffmpegArgs({
      ...base,
      url: 'rtsp://cam/s1',
      transport: 'tcp',
      rawFrames: true,
      detectorInput: { width: 416, height: 256 },
    });
    expect(a).not.toContain('-vf');
    const graph = a[a.indexOf('-filter_complex') + 1]!;
    expect(graph.startsWith(`[0:v]fps=1/2,${limitLongestSide(1280)},split=3[jpeg][f][v];`)).toBe(true);
    expect(graph).toContain('[v]scale=416:256:force_original_aspect_ratio=decrease');
    const out = (label: string) => a.slice(a.indexOf(label) - 1, a.indexOf(label) + (label === '[jpeg]' ? 8 : 6));
    expect(out('[jpeg]')).toEqual(['-map', '[jpeg]', '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', 'pipe:1']);
    expect(out('[frame]')).toEqual(['-map', '[frame]', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:3']);
    expect(out('[view]')).toEqual(['-map', '[view]', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:4']);
    // a tiled detector says no input size: the raw frame keeps the JPEG's size and there is no view
    const { args: tiled } = ffmpegArgs({ ...base, url: 'rtsp://cam/s1', transport: 'tcp', rawFrames: true });
    expect(tiled[tiled.indexOf('-filter_complex') + 1]).toMatch(/split=2\[jpeg\]\[f\];\[f\]format=rgb24\[frame\]$/);
    expect(tiled).not.toContain('pipe:4');
  });

  it("shrinks the raw frame as the models shrink a JPEG on load (ffmpeg's arithmetic)", () => {
    const widthOf = (w: number, h: number) => {
      const r = spawnSync(
        findFfmpeg(),
        [
          ...['-v', 'error', '-f', 'lavfi', '-i', `color=size=${w}x${h}:duration=0.1`, '-frames:v', '1'],
          ...[
            '-vf',
            `scale=w='${shrinkOnLoadWidth({ width: 416, height: 256 })}':h=-2,format=rgb24`,
            '-c:v',
            'ppm',
            '-f',
            'image2pipe',
            'pipe:1',
          ],
        ],
        { maxBuffer: 64 << 20 },
      );
      const [f] = new PpmSplitter().push(r.stdout);
      return `${f!.width}x${f!.height}`;
    };
    // decodeImage's rule: halve while the half is >= 320 wide and the letterbox still shrinks it by >= 1.5x
    expect(widthOf(1280, 720)).toBe('640x360');
    expect(widthOf(960, 540)).toBe('960x540');
    expect(widthOf(1920, 1080)).toBe('960x540');
    expect(widthOf(2560, 1440)).toBe('640x360');
    expect(widthOf(320, 240)).toBe('320x240');
  });

  it('with packetLog, also lists each video packet on stderr (a stream copy), keyframes flagged, for the watchdog', () => {
    const packets = ['-map', '0:v:0', '-c', 'copy', '-flush_packets', '1', '-f', 'framecrc', 'pipe:2'];
    for (const rawFrames of [false, true]) {
      const { args: a } = ffmpegArgs({ ...base, url: 'rtsp://cam/s1', transport: 'tcp', rawFrames, packetLog: true });
      expect(a.slice(-packets.length)).toEqual(packets);
    }
    // real ffmpeg, keyframes only, 2 s of 10 fps video with a keyframe every 0.5 s: 20 packets, 4 keyframes
    const { args } = ffmpegArgs({ ...base, url: 'file:///dev/null', transport: 'tcp', packetLog: true });
    const input = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-g', '5', '-f', 'h264', 'pipe:1'];
    const video = spawnSync(findFfmpeg(), ['-v', 'error', ...input], { maxBuffer: 64 << 20 }).stdout;
    const withInput = args
      .map((arg) => (arg === '/dev/null' ? 'pipe:0' : arg))
      .filter((arg) => !['-re', '-stream_loop', '-1'].includes(arg));
    const run = spawnSync(findFfmpeg(), withInput, { input: video, maxBuffer: 64 << 20 });
    const lines = new PacketLines();
    const read = run.stderr
      .toString()
      .split('\n')
      .map((l) => lines.read(l));
    const seen = read.filter((p) => p !== null && p !== 'own');
    expect(seen).toHaveLength(20);
    expect(seen.filter((p) => p.key)).toHaveLength(4);
    expect(run.stdout.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});
