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

type Case = Fixture['cases'][number];

/** The crop as Pillow's bytes (HWC), and the float before it, which must stay untouched. */
function cut(c: Case): { before: number; hwc: number[] } {
  const got = new Float32Array(1 + 3 * c.width * c.height);
  cropInto({ data, width: W, height: H }, c.box, c.width, c.height, got, 1);
  const plane = c.width * c.height;
  const hwc = new Array<number>(3 * plane);
  for (let i = 0; i < plane; i++) for (let ch = 0; ch < 3; ch++) hwc[i * 3 + ch] = Math.round(got[1 + ch * plane + i]! * 255);
  return { before: got[0]!, hwc };
}

describe('cropInto', () => {
  it.each(fixture.cases.map((c) => [JSON.stringify(c.box), c] as const))('cuts %s exactly as Pillow does in training', (_, c) => {
    const { before, hwc } = cut(c);
    expect(before).toBe(0);
    expect(hwc).toEqual(c.rgb);
  });

  it('cuts every crop as Pillow does whatever was cut before it, larger or smaller (the scratch rows are reused)', () => {
    // a white picture cut large first leaves 255s wherever the next crop's rows could be read from
    const white = { data: Buffer.alloc(200 * 200 * 3, 255), width: 200, height: 200 };
    const big = new Float32Array(3 * 60 * 150);
    for (const c of fixture.cases) {
      cropInto(white, { x: 0, y: 0, w: 200, h: 200 }, 60, 150, big, 0);
      expect(cut(c).hwc, `${JSON.stringify(c.box)} after a large white crop`).toEqual(c.rgb);
    }
    // and each case after each other one, in both orders
    for (const first of fixture.cases)
      for (const c of fixture.cases) {
        cut(first);
        expect(cut(c).hwc, `${JSON.stringify(c.box)} after ${JSON.stringify(first.box)}`).toEqual(c.rgb);
      }
  });

  it('rounds halves to even, as Python does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
