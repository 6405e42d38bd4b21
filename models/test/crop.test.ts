import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cropInto, roundHalfEven } from '../src/vision/crop.js';

interface Fixture {
  width: number;
  height: number;
  cases: { box: { x: number; y: number; w: number; h: number }; width: number; height: number; rgb: number[] }[];
}

// Written by fixtures/pil-crops.py: Pillow's own output for the crops training cuts.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pil-crops.json', import.meta.url), 'utf8')) as Fixture;
const { width: W, height: H } = fixture;
const data = Buffer.alloc(W * H * 3);
for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 3) * 11) % 256;

describe('cropInto', () => {
  it.each(fixture.cases.map((c) => [JSON.stringify(c.box), c] as const))('cuts %s exactly as Pillow does in training', (_, c) => {
    const got = new Float32Array(1 + 3 * c.width * c.height);
    cropInto({ data, width: W, height: H }, c.box, c.width, c.height, got, 1);
    const plane = c.width * c.height;
    const hwc = new Array<number>(3 * plane);
    for (let i = 0; i < plane; i++) for (let ch = 0; ch < 3; ch++) hwc[i * 3 + ch] = Math.round(got[1 + ch * plane + i]! * 255);
    expect(got[0]).toBe(0);
    expect(hwc).toEqual(c.rgb);
  });

  it('rounds halves to even, as Python does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
