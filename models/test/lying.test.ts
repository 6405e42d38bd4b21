import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxIou, truthBox } from '../src/eval/metrics.js';
import { DEFAULT_MODEL_DIR, detectFolder, loadBottleVision, makeScene, renderScene, type BottleVision } from '../src/index.js';
import { readDetectorMetadata } from '../src/vision/metadata.js';
import type { RgbImage } from '../src/vision/preprocess.js';
import { fromTurned, TURNED_SCORE_SCALE, turnImage } from '../src/vision/turn.js';

type Box = { x: number; y: number; w: number; h: number };

/** A width x height image, black but for one red rectangle. */
function withRectangle(width: number, height: number, r: Box): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) data[(y * width + x) * 3] = 255;
  return { data, width, height };
}

/** The box around an image's red pixels (red well above the rest: the turn's edges are blended). */
function redBox(img: RgbImage): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      if (img.data[i]! > 200 && img.data[i + 1]! < 60)
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

describe('the turned pass', () => {
  // not square, the rectangle off every centre line: a wrong way round or swapped axes shows
  const drawn = { x: 13, y: 5, w: 7, h: 22 };
  const img = withRectangle(40, 30, drawn);

  it('turns the picture a quarter clockwise, and its boxes back onto the picture as it was', async () => {
    const turned = await turnImage(img, 90);
    expect([turned.width, turned.height]).toEqual([30, 40]);
    const seen = redBox(turned);
    // clockwise: the picture's left edge is the turned one's top, its bottom edge the turned one's left
    expect(seen).toEqual({ x: 30 - (drawn.y + drawn.h), y: drawn.x, w: drawn.h, h: drawn.w });
    const [back] = fromTurned([{ ...seen, score: 0.9, label: 'bottle' }], 90, img, turned);
    expect(back).toMatchObject({ ...drawn, lying: true });
    expect(back!.score).toBeCloseTo(0.9 * TURNED_SCORE_SCALE);
  });

  it('takes a box found at any angle back to where it was', async () => {
    // a small square off every centre line: its centre must come back to its centre, whichever way the turn went
    const dot = { x: 29, y: 7, w: 3, h: 3 };
    const picture = withRectangle(40, 30, dot);
    for (const degrees of [45, 270, 315]) {
      const turned = await turnImage(picture, degrees);
      const [back] = fromTurned([{ ...redBox(turned), score: 0.9, label: 'bottle' }], degrees, picture, turned);
      expect(Math.abs(back!.x + back!.w / 2 - (dot.x + 1.5)), `${degrees}°`).toBeLessThan(1.5);
      expect(Math.abs(back!.y + back!.h / 2 - (dot.y + 1.5)), `${degrees}°`).toBeLessThan(1.5);
    }
  });
});

describe('bottles lying on their side', () => {
  let upright: BottleVision;
  let lying: BottleVision;
  beforeAll(async () => {
    upright = await loadBottleVision({ threads: 1, lying: false });
    lying = await loadBottleVision({ threads: 1, lying: true });
  });
  afterAll(async () => {
    await upright.close();
    await lying.close();
  });

  it('are found by the lying pass, where the frame as it is finds few, and get no fill', async () => {
    let [truthCount, foundUpright, foundLying] = [0, 0, 0];
    // the whole shelf turned a quarter each way: every bottle lies, neck to the left (the lying pass stands it
    // up) or to the right (the lying pass stands it on its head)
    for (const [seed, degrees] of [
      [3_200_000, -90],
      [3_200_001, -90],
      [3_200_002, 90],
      [3_200_003, 90],
    ] as const) {
      const scene = await renderScene(makeScene({ seed, split: 'normal', width: 640, height: 360 }));
      const jpeg = await sharp(scene.jpeg).rotate(degrees).jpeg().toBuffer();
      const truth = scene.bottles
        .filter((b) => !b.ignore)
        .map(truthBox)
        .map((t): Box =>
          degrees < 0
            ? { x: t.y, y: scene.width - (t.x + t.w), w: t.h, h: t.w }
            : { x: scene.height - (t.y + t.h), y: t.x, w: t.h, h: t.w },
        );
      const found = (bottles: { box: Box }[]) => truth.filter((t) => bottles.some((d) => boxIou(d.box, t) >= 0.5)).length;
      const [a, b] = [await upright.analyze(jpeg), await lying.analyze(jpeg)];
      truthCount += truth.length;
      foundUpright += found(a.bottles);
      foundLying += found(b.bottles);
      const turnedBack = b.bottles.filter((d) => d.lying);
      expect(turnedBack.length).toBeGreaterThan(0);
      expect(turnedBack.every((d) => d.fill === null)).toBe(true);
    }
    console.log(`lying bottles found of ${truthCount}: frame as it is ${foundUpright}, with the lying pass ${foundLying}`);
    expect(foundLying).toBeGreaterThan(foundUpright * 2);
    expect(foundLying / truthCount).toBeGreaterThan(0.5);
  }, 120_000);

  it('is on in npm run detect unless asked off: photos come as they were taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lying-detect-'));
    try {
      const scene = await renderScene(makeScene({ seed: 3_200_004, split: 'normal', width: 640, height: 360 }));
      await mkdir(join(dir, 'photos'));
      await sharp(scene.jpeg)
        .rotate(-90)
        .jpeg()
        .toFile(join(dir, 'photos', 'crate.jpg'));
      const asked = await detectFolder({ folder: join(dir, 'photos'), out: join(dir, 'default.json') });
      const off = await detectFolder({ folder: join(dir, 'photos'), out: join(dir, 'off.json'), lying: false });
      const bottles = scene.bottles.filter((b) => !b.ignore).length;
      expect(asked.results.length).toBeGreaterThan(bottles / 2);
      expect(off.results.length).toBeLessThan(asked.results.length / 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('is asked for in the detector metadata, and a wrong value names the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lying-meta-'));
    try {
      const meta = JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'detector.json'), 'utf8')) as Record<string, unknown>;
      const file = join(dir, 'detector.json');
      await writeFile(file, JSON.stringify({ ...meta, file: join(DEFAULT_MODEL_DIR, String(meta.file)), lying: true }));
      expect((await readDetectorMetadata(file)).lying).toBe(true);
      await writeFile(file, JSON.stringify({ ...meta, file: join(DEFAULT_MODEL_DIR, String(meta.file)), lying: 'yes' }));
      await expect(readDetectorMetadata(file)).rejects.toThrow(/lying must be true or false, got "yes"/);
      expect((await readDetectorMetadata(join(DEFAULT_MODEL_DIR, 'detector.json'))).lying).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
