import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  bootstrapInterval,
  boxIou,
  mapRange,
  operatingPoint,
  pairedDifferenceInterval,
  recallBy,
  type ImageResult,
} from '../src/eval/metrics.js';

const b = (x: number, extra: object = {}) => ({ x, y: 0, w: 10, h: 10, score: 0, ...extra });

describe('detection metrics', () => {
  it('IoU of equal, half-shifted and disjoint boxes', () => {
    expect(boxIou(b(0), b(0))).toBe(1);
    expect(boxIou(b(0), b(5))).toBeCloseTo(1 / 3, 6);
    expect(boxIou(b(0), b(50))).toBe(0);
  });

  it('perfect detections give AP 1; a higher-scored false alarm lowers it; misses cap recall', () => {
    const perfect: ImageResult[] = [{ truth: [b(0), b(20)], preds: [b(0, { score: 0.9 }), b(20, { score: 0.8 })] }];
    expect(averagePrecision(perfect, 0.5)).toBeCloseTo(1, 6);
    expect(mapRange(perfect)).toBeCloseTo(1, 6);
    const fpFirst: ImageResult[] = [{ truth: [b(0)], preds: [b(100, { score: 0.95 }), b(0, { score: 0.5 })] }];
    expect(averagePrecision(fpFirst, 0.5)).toBeCloseTo(0.5, 6);
    const half: ImageResult[] = [{ truth: [b(0), b(40)], preds: [b(0, { score: 0.9 })] }];
    expect(averagePrecision(half, 0.5)).toBeCloseTo(51 / 101, 6);
  });

  it('a bootstrap interval holds the score, narrows with more images, and is the same on a rerun', () => {
    // each image: one bottle, found in 7 of 10 images (a miss elsewhere)
    const image = (found: boolean): ImageResult => ({ truth: [b(0)], preds: found ? [b(0, { score: 0.9 })] : [] });
    const set = (n: number) => Array.from({ length: n }, (_, i) => image(i % 10 < 7));
    const ap = (r: ImageResult[]) => averagePrecision(r, 0.5);
    const small = bootstrapInterval(set(20), ap);
    const large = bootstrapInterval(set(400), ap);
    for (const [lo, hi] of [small, large]) {
      expect(lo).toBeLessThanOrEqual(ap(set(20)));
      expect(hi).toBeGreaterThanOrEqual(ap(set(20)));
    }
    expect(large[1] - large[0]).toBeLessThan((small[1] - small[0]) / 2);
    expect(bootstrapInterval(set(20), ap)).toEqual(small);
    expect(
      bootstrapInterval(
        set(20).map(() => image(true)),
        ap,
      ),
    ).toEqual([1, 1]);
  });

  it('a paired difference is narrower than the two intervals, zero for the same detector, and sides with the better one', () => {
    // 40 images of varied difficulty: one bottle each, found by A in 24; B finds the same and 4 more
    const image = (found: boolean): ImageResult => ({ truth: [b(0)], preds: found ? [b(0, { score: 0.9 })] : [] });
    const a = Array.from({ length: 40 }, (_, i) => image(i % 10 < 6));
    const better = a.map((r, i) => (i % 10 === 6 ? image(true) : r));
    const ap = (r: ImageResult[]) => averagePrecision(r, 0.5);
    const same = pairedDifferenceInterval(a, a, ap);
    expect(same).toEqual({ difference: 0, interval: [0, 0], belowZero: 0 });
    const gain = pairedDifferenceInterval(a, better, ap);
    expect(gain.difference).toBeCloseTo(ap(better) - ap(a), 9);
    expect(gain.difference).toBeGreaterThan(0);
    expect(gain.interval[0]).toBeGreaterThanOrEqual(0);
    expect(gain.belowZero).toBe(0);
    // the unpaired intervals overlap although every draw of the pair sides with B
    const [, aHigh] = bootstrapInterval(a, ap);
    const [bLow] = bootstrapInterval(better, ap);
    expect(bLow).toBeLessThan(aHigh);
    const loss = pairedDifferenceInterval(better, a, ap);
    expect(loss.interval[1]).toBeLessThanOrEqual(0);
    expect(() => pairedDifferenceInterval(a, a.slice(1), ap)).toThrow(/40 and 39/);
  });

  it('ignored truth boxes are neither misses nor false alarms', () => {
    const r: ImageResult[] = [{ truth: [b(0), b(40, { ignore: true })], preds: [b(0, { score: 0.9 }), b(40, { score: 0.95 })] }];
    expect(averagePrecision(r, 0.5)).toBeCloseTo(1, 6);
    expect(operatingPoint(r, 0.3)).toMatchObject({ precision: 1, recall: 1 });
  });

  it('fill error over observable bottles, opaque bottles called not observable', () => {
    const r: ImageResult[] = [
      {
        truth: [b(0, { fill: 0.5, fillObservable: true }), b(20, { fill: 0.2, fillObservable: true }), b(40, { opaque: true, fill: 0.7 })],
        preds: [
          b(0, { score: 0.9, fill: 0.6 }),
          b(20, { score: 0.9, fill: 0.1 }),
          b(40, { score: 0.9, fill: null }),
          b(80, { score: 0.1, fill: 0.3 }),
        ],
      },
    ];
    const op = operatingPoint(r, 0.3);
    expect(op.fillMae).toBeCloseTo(10, 6);
    expect(op.fillCount).toBe(2);
    expect(op.fillCountBehindLabel).toBe(0);
    expect(op.opaqueNotObservable).toBe(1);
    expect(op.precision).toBe(1);
    expect(operatingPoint(r, 0.05).precision).toBeCloseTo(0.75, 6);
  });

  it('scores fills whose liquid line is behind the label apart from those in view', () => {
    const r: ImageResult[] = [
      {
        truth: [b(0, { fill: 0.5, fillObservable: true }), b(20, { fill: 0.2, fillObservable: true, levelBehindLabel: true })],
        preds: [b(0, { score: 0.9, fill: 0.52 }), b(20, { score: 0.9, fill: 0.4 })],
      },
    ];
    const op = operatingPoint(r, 0.3);
    expect(op.fillMae).toBeCloseTo(2, 6);
    expect(op.fillMaeBehindLabel).toBeCloseTo(20, 6);
    expect([op.fillCount, op.fillCountBehindLabel, op.fillCoverage]).toEqual([1, 1, 1]);
  });

  it('recall per group counts each truth once, skips ignored ones and misses below the threshold', () => {
    const small = { h: 10 };
    const tall = { h: 40 };
    const r: ImageResult[] = [
      {
        truth: [b(0, small), b(20, small), b(40, tall), b(80, { ...tall, ignore: true })],
        preds: [
          b(0, { score: 0.9 }),
          b(20, { score: 0.2 }),
          { x: 40, y: 0, w: 10, h: 40, score: 0.8 },
          { x: 41, y: 0, w: 10, h: 40, score: 0.7 },
        ],
      },
    ];
    const by = recallBy(r, 0.5, (t) => (t.h < 20 ? 'small' : 'tall'));
    expect(by.get('small')).toEqual({ found: 1, total: 2 });
    expect(by.get('tall')).toEqual({ found: 1, total: 1 });
    expect(recallBy(r, 0.1, (t) => (t.h < 20 ? 'small' : 'tall')).get('small')).toEqual({ found: 2, total: 2 });
  });
});

describe('AP as pycocotools COCOeval scores it', () => {
  it("its recall steps (linspace: 0.35 is 0.35000000000000003) and crowd regions (overlap over the detection's area)", () => {
    // 10 images of 10 bottles; a crowd region in the first. Found: 35 bottles, a box inside the crowd,
    // 10 false alarms, 10 bottles more. pycocotools 2.0.11 on the same case: 0.43564356435643564 at IoU 0.5
    // and over 0.5:0.95 (the boxes are exact), i.e. 44 of its 101 steps.
    const truthOf = (k: number): { image: number; box: { x: number; y: number; w: number; h: number } } => ({
      image: Math.floor(k / 10),
      box: { x: (k % 10) * 40, y: 0, w: 20, h: 30 },
    });
    const results: ImageResult[] = Array.from({ length: 10 }, (_, i) => ({
      truth: Array.from({ length: 10 }, (_, j) => truthOf(i * 10 + j).box),
      preds: [],
    }));
    results[0]!.truth.push({ x: 500, y: 500, w: 100, h: 100, ignore: true, crowd: true });
    for (let k = 0; k < 35; k++) results[truthOf(k).image]!.preds.push({ ...truthOf(k).box, score: 0.99 - 0.001 * k });
    results[0]!.preds.push({ x: 510, y: 510, w: 20, h: 20, score: 0.95 });
    for (let k = 0; k < 10; k++) results[k]!.preds.push({ x: 0, y: 600, w: 20, h: 30, score: 0.6 - 0.001 * k });
    for (let k = 35; k < 45; k++) results[truthOf(k).image]!.preds.push({ ...truthOf(k).box, score: 0.5 - 0.001 * k });
    expect(averagePrecision(results, 0.5)).toBeCloseTo(0.43564356435643564, 12);
    expect(mapRange(results)).toBeCloseTo(0.43564356435643564, 12);
  });
});
