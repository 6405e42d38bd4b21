import { describe, expect, it } from 'vitest';
import type { RawFrame } from '@smartstock/models';
import { FrameAssembler } from '../../src/camera/frame-parts.js';

const raw = (n: number): RawFrame => ({ data: Buffer.alloc(3, n), width: 1, height: 1, channels: 3 });
const jpeg = (n: number) => Buffer.from([0xff, 0xd8, n, 0xff, 0xd9]);

describe('FrameAssembler', () => {
  it('pairs the n-th picture of each pipe, whichever pipe is read first', () => {
    const a = new FrameAssembler(['jpeg', 'frame', 'view']);
    expect(a.push('frame', raw(1))).toEqual([]);
    expect(a.push('frame', raw(2))).toEqual([]);
    expect(a.push('jpeg', jpeg(1))).toEqual([]);
    expect(a.push('view', raw(11))).toEqual([{ jpeg: jpeg(1), frame: raw(1), view: raw(11) }]);
    expect(a.push('view', raw(12))).toEqual([]);
    expect(a.push('jpeg', jpeg(2))).toEqual([{ jpeg: jpeg(2), frame: raw(2), view: raw(12) }]);
  });

  it('passes JPEGs straight through when they are the only picture', () => {
    const a = new FrameAssembler(['jpeg']);
    expect(a.push('jpeg', jpeg(3))).toEqual([{ jpeg: jpeg(3) }]);
  });

  it('drops what waits once the pipes are out of step, rather than pair different frames', () => {
    const a = new FrameAssembler(['jpeg', 'frame'], 2);
    a.push('jpeg', jpeg(1));
    a.push('jpeg', jpeg(2));
    expect(a.push('jpeg', jpeg(3))).toEqual([]); // three waiting: out of step, all dropped
    expect(a.push('frame', raw(9))).toEqual([]);
    expect(a.push('jpeg', jpeg(4))).toEqual([{ jpeg: jpeg(4), frame: raw(9) }]);
  });
});
