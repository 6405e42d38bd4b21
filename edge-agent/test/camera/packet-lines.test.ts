import { describe, expect, it } from 'vitest';
import { PacketLines } from '../../src/camera/packet-lines.js';
import { StderrRing } from '../../src/camera/stderr-ring.js';

// as ffmpeg 5.1's framecrc muxer writes them for an RTSP camera's H.264 (tb 1/90000)
const header = ['#extradata 0:       40, 0xe4340aae', '#software: Lavf59.27.100', '#tb 0: 1/90000', '#media_type 0: video'];
const key = (pts: number) => `0, ${pts}, ${pts}, 9000, 2600, 0xa1b30ef5`;
const keyWithSideData = (pts: number) => `0, ${pts}, ${pts}, 9000, 2008, 0x0afa3c30, S=1,       16`;
const delta = (pts: number) => `0, ${pts}, ${pts}, 9000, 670, 0x0a21fd92, F=0x0`;

describe('packet lines', () => {
  it('reads keyframes and the seconds between them from the pts', () => {
    const lines = new PacketLines();
    for (const l of header) expect(lines.read(l)).toBe('own');
    expect(lines.read(key(0))).toEqual({ key: true, seconds: 0 });
    expect(lines.read(delta(9000))).toEqual({ key: false, seconds: 0.1 });
    expect(lines.keyframeIntervalS).toBeNull();
    lines.read(keyWithSideData(711_002));
    expect(lines.keyframeIntervalS).toBe(7.9);
    // a keyframe flagged corrupt too is still a keyframe
    expect(lines.read('0, 1440000, 1440000, 9000, 2600, 0x1, F=0x3')).toMatchObject({ key: true });
    expect(lines.keyframeIntervalS).toBe(8.1);
  });

  it("leaves ffmpeg's log lines to the ring and takes the muxer's own warnings", () => {
    const lines = new PacketLines();
    expect(lines.read('[h264 @ 0x2] RTP: missed 12 packets')).toBeNull();
    expect(lines.read('[framecrc @ 0x55d8] Timestamps are unset in a packet for stream 0.')).toBe('own');
    const ring = new StderrRing(100);
    const kept = ring.push(
      `${header.join('\n')}\n${key(0)}\n[h264 @ 0x2] RTP: missed 12 packets\n${delta(9000)}\n`,
      (l) => lines.read(l) !== null,
    );
    expect(kept).toEqual(['[h264 @ 0x2] RTP: missed 12 packets']);
    expect(ring.snapshot()).toEqual(kept);
  });
});
