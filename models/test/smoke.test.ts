import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxIou, truthBox } from '../src/eval/metrics.js';
import { loadBottleVision, makeScene, renderScene, type BottleVision, type Scene } from '../src/index.js';

/** The committed models on a small, calm generated shelf (normal split, seeds never used in training). */
function calmScene(seed: number): Scene {
  const s = makeScene({ seed, split: 'normal', width: 640, height: 360 });
  s.props = s.props.filter((p) => p.kind !== 'person' && p.kind !== 'hand');
  s.light = { warmth: 0.1, brightness: 1, glare: 0, vignette: 0 };
  s.camera = { blur: 0, motion: 0, noise: 2, quality: 90, timestamp: false };
  return s;
}

let vision: BottleVision;
beforeAll(async () => {
  vision = await loadBottleVision({ threads: 1 });
});
afterAll(async () => {
  await vision.close();
});

describe('committed models (models/onnx)', () => {
  it('load from the package folder whatever the working directory, with versions', () => {
    expect(Object.keys(vision.versions).sort()).toEqual(['smartstock-fill', 'yolox-nano-bottle']);
  });

  it('find the bottles of generated shelves and read their fill', async () => {
    let truthCount = 0;
    let found = 0;
    let falseAlarms = 0;
    const fillErrors: number[] = [];
    for (const seed of [3_000_001, 3_000_002, 3_000_003, 3_000_004]) {
      const r = await renderScene(calmScene(seed));
      const a = await vision.analyze(r.jpeg);
      const used = new Set<number>();
      for (const t of r.bottles.filter((b) => !b.ignore)) {
        truthCount++;
        const tb = truthBox(t);
        const i = a.bottles.findIndex((d, k) => !used.has(k) && boxIou(d.box, tb) >= 0.5);
        if (i < 0) continue;
        used.add(i);
        found++;
        const d = a.bottles[i]!;
        if (t.fillObservable && d.fill !== null) fillErrors.push(Math.abs(d.fill - t.fill));
      }
      falseAlarms += a.bottles.length - used.size;
    }
    expect(truthCount).toBeGreaterThan(10);
    expect(found / truthCount).toBeGreaterThanOrEqual(RECALL_MIN);
    expect(falseAlarms).toBeLessThanOrEqual(truthCount * FALSE_ALARMS_MAX);
    expect(fillErrors.length).toBeGreaterThan(5);
    const sorted = [...fillErrors].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThanOrEqual(FILL_MEDIAN_ERROR_MAX);
  });

  it('read a frame the same after other frames went through (batches and input buffers are reused)', async () => {
    const a = await renderScene(calmScene(3_000_001));
    const b = await renderScene(calmScene(3_000_002));
    const first = await vision.analyze(a.jpeg);
    await Promise.all([vision.analyze(b.jpeg), vision.analyze(a.jpeg), vision.analyze(b.jpeg)]);
    const again = await vision.analyze(a.jpeg);
    expect(first.bottles.length).toBeGreaterThan(3);
    expect(again.bottles).toEqual(first.bottles);
  });

  it('read a phone photo stored sideways (EXIF orientation 6) as it is shown: the same bottles, same boxes', async () => {
    const r = await renderScene(calmScene(3_000_006));
    const phone = await sharp(r.jpeg).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const upright = await vision.analyze(r.jpeg);
    const shown = await vision.analyze(phone);
    expect([shown.width, shown.height]).toEqual([640, 360]);
    expect(upright.bottles.length).toBeGreaterThan(3);
    const matched = upright.bottles.filter((u) => shown.bottles.some((s) => boxIou(u.box, s.box) >= 0.7)).length;
    expect(matched).toBeGreaterThanOrEqual(Math.floor(upright.bottles.length * 0.9));
  });

  it('drop overlapping duplicates at the NMS IoU the caller asks for', async () => {
    const r = await renderScene(makeScene({ seed: 3_000_006, split: 'hard', width: 640, height: 360 }));
    const strict = await loadBottleVision({ threads: 1, iouThreshold: 0 });
    try {
      const kept = (await strict.analyze(r.jpeg)).bottles;
      const loose = (await vision.analyze(r.jpeg)).bottles;
      expect(kept.length).toBeGreaterThan(0);
      for (const [i, a] of kept.entries()) for (const b of kept.slice(i + 1)) expect(boxIou(a.box, b.box)).toBe(0);
      // two rows of bottles overlap, so forbidding any overlap must cost detections
      expect(kept.length).toBeLessThan(loose.length);
    } finally {
      await strict.close();
    }
  });
});

// Tolerances, set below what `npm run eval:vision` reports for the committed models.
const RECALL_MIN = 0.6;
const FALSE_ALARMS_MAX = 0.3;
const FILL_MEDIAN_ERROR_MAX = 0.12;

describe('a raw frame from the caller (the edge agent hands over what its ffmpeg scaled)', () => {
  it('is read in its source pixels, and the same with the detector view handed over', async () => {
    const r = await renderScene(calmScene(3_000_006));
    // the caller shrank a 1280x720 camera frame to this 640x360 one
    const frame = { data: await sharp(r.jpeg).removeAlpha().raw().toBuffer(), width: 640, height: 360, channels: 3 as const };
    const plain = await vision.analyze(frame);
    expect(plain.bottles.length).toBeGreaterThan(3);
    const source = await vision.analyze({ ...frame, sourceWidth: 1280, sourceHeight: 720 });
    expect(vision.input).toEqual({ width: 416, height: 416 });
    expect(source).toMatchObject({ width: 1280, height: 720 });
    const doubled = plain.bottles.map(({ box: b }) => ({ x: b.x * 2, y: b.y * 2, w: b.w * 2, h: b.h * 2 }));
    expect(source.bottles.map((b) => b.box)).toEqual(doubled);
    // the view the letterbox would make, made beforehand (sharp here, ffmpeg's scaler on the edge)
    const small = await sharp(frame.data, { raw: frame }).resize(416, 234, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
    const view = { data: small, width: 416, height: 234 };
    const viewed = await vision.analyze({ ...frame, detectorView: view });
    expect(viewed.bottles.map((b) => b.box)).toEqual(plain.bottles.map((b) => b.box));
    // a view of another size is not what the letterbox needs: ignored, the frame is resized as usual
    const odd = await vision.analyze({ ...frame, detectorView: { ...view, width: 415 } });
    expect(odd.bottles.map((b) => b.box)).toEqual(plain.bottles.map((b) => b.box));
    await expect(vision.analyze({ ...frame, sourceWidth: -1 })).rejects.toThrow(/source size/);
  });
});
