import { describe, expect, it } from 'vitest';
import { FramePool, PpmSplitter } from '../../src/camera/ppm-splitter.js';

const ppm = (w: number, h: number, fill: number) => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, fill)]);

describe('PpmSplitter', () => {
  it('cuts raw RGB frames, with their sizes, however the bytes are chunked', () => {
    const all = Buffer.concat([ppm(4, 3, 7), ppm(2, 5, 9), ppm(1, 1, 255)]);
    for (const size of [1, 5, 13, 64, all.length]) {
      const s = new PpmSplitter();
      const out = [];
      for (let i = 0; i < all.length; i += size) out.push(...s.push(all.subarray(i, i + size)));
      expect(out.map((f) => [f.width, f.height, f.data.length, f.data[0]])).toEqual([
        [4, 3, 36, 7],
        [2, 5, 30, 9],
        [1, 1, 3, 255],
      ]);
    }
  });

  it('hands out frames that later chunks do not overwrite', () => {
    const s = new PpmSplitter();
    const chunk = ppm(2, 2, 1);
    const [first] = s.push(chunk);
    chunk.fill(0);
    expect(first!.data.every((b) => b === 1)).toBe(true);
  });

  it('refuses bytes that are not an 8-bit PPM picture, naming what it got', () => {
    expect(() => new PpmSplitter().push(Buffer.from('\xff\xd8\xff\xe0 a JPEG', 'latin1'))).toThrow(/not a PPM picture/);
    expect(() => new PpmSplitter().push(Buffer.from('P6\n2 2\n65535\n'))).toThrow(/not 8-bit RGB/);
    expect(() => new PpmSplitter(100).push(Buffer.from('P6\n100 100\n255\n'))).toThrow(/100x100/);
  });

  it('writes each picture into a buffer of the pool, and reuses one only once it is given back', () => {
    const pool = new FramePool();
    const s = new PpmSplitter(undefined, pool.take);
    const [a] = s.push(ppm(2, 2, 1));
    const [b] = s.push(ppm(2, 2, 2));
    expect(b!.data).not.toBe(a!.data); // a not given back: a's bytes stay a's
    expect(a!.data.every((v) => v === 1)).toBe(true);
    pool.give(a!.data);
    const [c] = s.push(ppm(2, 2, 3));
    expect(c!.data).toBe(a!.data);
    expect([...c!.data]).toEqual(Array(12).fill(3));
  });
});
