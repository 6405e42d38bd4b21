import { describe, expect, it } from 'vitest';
import { JpegSplitter } from '../../src/camera/jpeg-splitter.js';
import { StderrRing, summariseFfmpegFailure } from '../../src/camera/stderr-ring.js';

const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(n, n), Buffer.from([0xff, 0x00, 0xff, 0xd9])]);

describe('JpegSplitter', () => {
  it('cuts frames on SOI/EOI however the bytes are chunked', () => {
    const frames = [jpeg(10), jpeg(300), jpeg(7)];
    const all = Buffer.concat([Buffer.from('junk'), ...frames]);
    for (const size of [1, 3, 64, all.length]) {
      const s = new JpegSplitter();
      const out: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) out.push(...s.push(all.subarray(i, i + size)));
      expect(out).toEqual(frames);
    }
  });

  it('hands out JPEGs of their own when every chunk comes in the same reused buffer', () => {
    const frames = [jpeg(10), jpeg(300), jpeg(7)];
    const all = Buffer.concat([Buffer.from('junk'), ...frames]);
    for (const size of [1, 3, 64]) {
      const s = new JpegSplitter();
      const reused = Buffer.alloc(size);
      const out: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) {
        const n = all.copy(reused, 0, i, i + size);
        out.push(...s.push(reused.subarray(0, n)));
      }
      reused.fill(0);
      expect(out).toEqual(frames);
    }
  });

  it('drops an image that outgrows its limit and cuts the next one', () => {
    const s = new JpegSplitter(100);
    expect(s.push(Buffer.concat([jpeg(300), jpeg(10)]))).toEqual([jpeg(10)]);
  });
});

describe('ffmpeg stderr', () => {
  it('keeps the last 100 lines with credentials redacted', () => {
    const r = new StderrRing(100);
    for (let i = 0; i < 150; i++) r.push(`line ${i}\n`);
    r.push('[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized rtsp://admin:hunter2@10.0.0.5/s1\n');
    const lines = r.snapshot();
    expect(lines).toHaveLength(100);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(summariseFfmpegFailure(lines, 1)).toMatch(/^auth failed/);
  });

  it("drops ffmpeg's per-picture pixel format warnings, which pushed everything else out of the ring", () => {
    const r = new StderrRing(100);
    r.push('[h264 @ 0x2] RTP: missed 12 packets\n');
    for (let i = 0; i < 500; i++) {
      r.push('[swscaler @ 0x55a0] [swscaler @ 0x55a1] deprecated pixel format used, make sure you did set range correctly\n');
      if (i % 50 === 0) r.push('    Last message repeated 2 times\n');
    }
    expect(r.snapshot()).toEqual(['[h264 @ 0x2] RTP: missed 12 packets']);
  });

  it('summarises 404 and codec failures', () => {
    expect(summariseFfmpegFailure(['method DESCRIBE failed: 404 Not Found'], 1)).toMatch(/404/);
    expect(summariseFfmpegFailure(['Could not find codec parameters for stream 0 (Video: none): unknown codec'], 1)).toMatch(/^codec/);
    expect(summariseFfmpegFailure(['something odd'], 3)).toBe('ffmpeg exited (3): something odd');
  });

  it('reads a status code only as a whole word, not in a port or an address ffmpeg prints', () => {
    const missing = [
      '[rtsp @ 0x55d2a401c980] method DESCRIBE failed: 404 Not Found',
      "[concat @ 0x55d2a4011fc0] Impossible to open 'rtsp://127.0.0.1:44011/nope'",
      'pipe:0: Server returned 404 Not Found',
    ];
    expect(summariseFfmpegFailure(missing, 1)).toBe('stream not found (404): check the camera path');
  });
});
