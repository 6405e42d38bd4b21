import { describe, expect, it } from 'vitest';
import { VisionError } from '../src/types.js';
import { decodeYolo, iou, nms, type Candidate } from '../src/vision/decode.js';

const meta = { classes: ['person', 'bottle', 'cup'], bottleClasses: ['bottle'], file: 'yolo.onnx' };
const identity = { scale: 1, padX: 0, padY: 0 };
const src = { width: 100, height: 100 };

/** columns: [cx, cy, w, h, person, bottle, cup] */
const cols = [
  [50, 50, 20, 40, 0.1, 0.9, 0.2],
  [20, 20, 10, 10, 0.95, 0.05, 0.0], // a person: never a bottle
  [95, 10, 30, 10, 0.0, 0.6, 0.0], // sticks out on the right: clipped
  [10, 80, 4, 4, 0.0, 0.2, 0.0], // below threshold
];

function channelsFirst(): Float32Array {
  const n = cols.length;
  const out = new Float32Array(7 * n);
  cols.forEach((c, i) => c.forEach((v, k) => (out[k * n + i] = v)));
  return out;
}

describe('decodeYolo', () => {
  it('reads [1, 4+nc, N], keeps bottle classes only, clips to the image', () => {
    const got = decodeYolo(channelsFirst(), [1, 7, 4], meta, identity, src, 0.3);
    expect(got).toEqual([
      { x: 40, y: 30, w: 20, h: 40, score: expect.closeTo(0.9, 6), label: 'bottle' },
      { x: 80, y: 5, w: 20, h: 10, score: expect.closeTo(0.6, 6), label: 'bottle' },
    ]);
  });

  it('reads the transposed [1, N, 4+nc] layout the same way', () => {
    const flat = new Float32Array(cols.flat());
    expect(decodeYolo(flat, [1, 4, 7], meta, identity, src, 0.3)).toEqual(decodeYolo(channelsFirst(), [1, 7, 4], meta, identity, src, 0.3));
  });

  it('undoes the letterbox: input pixels back to source pixels', () => {
    const data = new Float32Array([208, 128, 40, 80, 0.9]);
    const got = decodeYolo(
      data,
      [1, 5, 1],
      { classes: ['bottle'], bottleClasses: ['bottle'], file: 'd.onnx' },
      { scale: 0.2, padX: 80, padY: 56 },
      { width: 1280, height: 720 },
      0.5,
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.x).toBeCloseTo(540, 6); // cx (208-80)/0.2 = 640, w 200
    expect(got[0]!.y).toBeCloseTo(160, 6); // cy (128-56)/0.2 = 360, h 400
    expect(got[0]!.w).toBeCloseTo(200, 6);
    expect(got[0]!.h).toBeCloseTo(400, 6);
  });

  it('names the model file when the output shape does not fit the classes', () => {
    expect(() => decodeYolo(new Float32Array(12), [1, 6, 2], meta, identity, src, 0.3)).toThrow(VisionError);
    expect(() => decodeYolo(new Float32Array(12), [1, 6, 2], meta, identity, src, 0.3)).toThrow(/^yolo\.onnx: output shape \[1, 6, 2\]/);
  });
});

describe('nms', () => {
  const box = (x: number, score: number): Candidate => ({ x, y: 0, w: 10, h: 20, score, label: 'bottle' });

  it('computes IoU', () => {
    expect(iou(box(0, 1), box(0, 1))).toBe(1);
    expect(iou(box(0, 1), box(5, 1))).toBeCloseTo(1 / 3, 6);
    expect(iou(box(0, 1), box(20, 1))).toBe(0);
  });

  it('keeps the best of overlapping boxes and neighbours that barely touch', () => {
    const kept = nms([box(1, 0.5), box(0, 0.9), box(30, 0.7), box(8, 0.8)], 0.5);
    expect(kept.map((k) => [k.x, k.score])).toEqual([
      [0, 0.9],
      [8, 0.8],
      [30, 0.7],
    ]);
    expect(nms([box(0, 0.9), box(30, 0.7)], 0.5, 1)).toHaveLength(1);
  });
});
