import { renderWideScene, type BottleVision, type BottleVisionOptions } from '@smartstock/models';
import { afterEach, describe, expect, it } from 'vitest';
import { visionSchema } from '../../src/config/schema.js';
import { detectors, loadDetector } from '../../src/vision/detectors.js';

describe('the agent config reaches the detector', () => {
  const shipped = detectors.onnx;
  afterEach(() => {
    detectors.onnx = shipped;
  });

  it('passes vision.lying (bottles on their side) and the threshold, and leaves unset keys to the model folder', async () => {
    const asked: BottleVisionOptions[] = [];
    detectors.onnx = async (opts) => {
      asked.push(opts);
      return {} as BottleVision;
    };
    await loadDetector(visionSchema.parse({ lying: true, scoreThreshold: 0.4 }));
    await loadDetector(visionSchema.parse({}));
    expect(asked[0]).toMatchObject({ lying: true, scoreThreshold: 0.4 });
    expect(asked[1]).not.toHaveProperty('lying');
    expect(() => visionSchema.parse({ lying: 'yes' })).toThrow(/boolean/);
  });

  it('passes vision.tiles as the plan it names, and refuses another form naming the ones it takes', async () => {
    const asked: BottleVisionOptions[] = [];
    detectors.onnx = async (opts) => {
      asked.push(opts);
      return {} as BottleVision;
    };
    for (const tiles of ['auto', '3x2', 'none']) await loadDetector(visionSchema.parse({ tiles }));
    await loadDetector(visionSchema.parse({}));
    expect(asked.map((o) => o.tiles)).toEqual(['auto', { cols: 3, rows: 2, overlap: 0.2 }, null, undefined]);
    expect(asked[3]).not.toHaveProperty('tiles');
    for (const bad of ['9x2', 'Auto', '3 x 2'])
      expect(() => visionSchema.parse({ tiles: bad })).toThrow(/auto, none or COLSxROWS \(1-8 each, e\.g\. 3x2\)/);
  });

  it('a tiled camera gets full frames, and the shipped detector finds the small bottles of a far shot', async () => {
    // four generated back bars in one 720p frame: each bottle half the size it had, as a camera far from its shelf sees it
    const far = await renderWideScene({ firstSeed: 6_100_001, cols: 2, rows: 2 });
    const truth = far.bottles.filter((b) => !b.ignore).map((b) => ({ x: b.box[0], y: b.box[1], w: b.box[2], h: b.box[3] }));
    const found: Record<string, number> = {};
    for (const tiles of ['auto', 'none']) {
      const vision = await loadDetector(visionSchema.parse({ tiles }));
      try {
        // tiled, no detector-sized view is asked of ffmpeg: the tiles are cut from the whole frame
        if (tiles === 'auto') expect(vision.input).toBeUndefined();
        found[tiles] = matched(
          truth,
          (await vision.analyze(far.jpeg)).bottles.map((b) => b.box),
        );
      } finally {
        await vision.close();
      }
    }
    expect(found.auto, `tiles found ${found.auto} of ${truth.length}, one pass ${found.none}`).toBeGreaterThan(truth.length * 0.6);
    expect(found.auto).toBeGreaterThan(found.none!);
  });
});

type Box = { x: number; y: number; w: number; h: number };

/** How many true boxes a detection overlaps at IoU 0.5 or more, each detection used once. */
function matched(truth: readonly Box[], found: readonly Box[]): number {
  const iou = (a: Box, b: Box) => {
    const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
    const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
    return (w * h) / (a.w * a.h + b.w * b.h - w * h);
  };
  const free = [...found];
  let n = 0;
  for (const t of truth) {
    const i = free.findIndex((f) => iou(f, t) >= 0.5);
    if (i >= 0) [n, free[i]] = [n + 1, { x: -1e9, y: -1e9, w: 0, h: 0 }];
  }
  return n;
}
