import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxIou, truthBox } from '../src/eval/metrics.js';
import { loadBottleVision, renderWideScene, type BottleVision } from '../src/index.js';
import { readTiles } from '../src/vision/metadata.js';
import { fromTile, tilesOf } from '../src/vision/tiles.js';

describe('tilesOf', () => {
  it('covers the frame with tiles that overlap by the share asked', () => {
    const tiles = tilesOf(1920, 1080, { cols: 3, rows: 2, overlap: 0.2 });
    expect(tiles).toHaveLength(6);
    expect(Math.min(...tiles.map((t) => t.x))).toBe(0);
    expect(Math.max(...tiles.map((t) => t.x + t.w))).toBe(1920);
    expect(Math.max(...tiles.map((t) => t.y + t.h))).toBe(1080);
    const [a, b] = tiles;
    const shared = a!.x + a!.w - b!.x;
    expect(shared / a!.w).toBeGreaterThanOrEqual(0.19);
    expect(shared / a!.w).toBeLessThanOrEqual(0.21);
  });

  it('is the frame itself for a 1 x 1 grid', () => {
    expect(tilesOf(1280, 720, { cols: 1, rows: 1, overlap: 0.2 })).toEqual([{ x: 0, y: 0, w: 1280, h: 720 }]);
  });
});

describe('fromTile', () => {
  const frame = { width: 1000, height: 500 };
  const tile = { x: 400, y: 0, w: 400, h: 500 };
  const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h, score: 0.9, label: 'bottle' });

  it('moves boxes into the frame and drops those cut by an edge shared with a neighbour', () => {
    const kept = fromTile([box(100, 100, 30, 80), box(0, 100, 20, 80), box(380, 100, 20, 80), box(100, 420, 30, 80)], tile, frame);
    // the left and right edges are shared (cut bottles); the bottom is the frame's own edge (a real bottle)
    expect(kept.map((k) => [k.x, k.y])).toEqual([
      [500, 100],
      [500, 420],
    ]);
  });
});

describe('readTiles', () => {
  it('names the key that is wrong', () => {
    expect(() => readTiles('detector.json', { cols: 0, rows: 2 })).toThrow(/tiles\.cols must be a whole number/);
    expect(() => readTiles('detector.json', { cols: 2, rows: 2.5 })).toThrow(/tiles\.rows/);
    expect(() => readTiles('detector.json', { cols: 2, rows: 2, overlap: 0.9 })).toThrow(/tiles\.overlap/);
    expect(readTiles('detector.json', { cols: 3, rows: 2 })).toEqual({ cols: 3, rows: 2, overlap: 0.2 });
  });
});

describe('a tiled pass on a high-resolution frame', () => {
  let vision: BottleVision;
  let tiledVision: BottleVision;
  beforeAll(async () => {
    vision = await loadBottleVision({ threads: 1 });
    tiledVision = await loadBottleVision({ threads: 1, tiles: { cols: 3, rows: 3, overlap: 0.2 } });
  });
  afterAll(async () => {
    await vision.close();
    await tiledVision.close();
  });

  /** Nine generated shelves side by side: a 1920x1080 frame whose bottles are a third of their 640x360 size. */
  async function wideFrame(): Promise<{ jpeg: Buffer; truth: { x: number; y: number; w: number; h: number }[] }> {
    const r = await renderWideScene({ firstSeed: 3_100_000, cols: 3, rows: 3 });
    return { jpeg: r.jpeg, truth: r.bottles.filter((b) => !b.ignore).map(truthBox) };
  }

  const recall = (
    found: { box: { x: number; y: number; w: number; h: number } }[],
    truth: { x: number; y: number; w: number; h: number }[],
  ) => truth.filter((t) => found.some((d) => boxIou(d.box, t) >= 0.5)).length / truth.length;

  it('finds bottles that the whole-frame pass is too coarse to see, each once', async () => {
    const { jpeg, truth } = await wideFrame();
    const single = await vision.analyze(jpeg);
    const tiled = await tiledVision.analyze(jpeg);
    const [r1, r3] = [recall(single.bottles, truth), recall(tiled.bottles, truth)];
    console.log(`recall on ${truth.length} bottles: whole frame ${r1.toFixed(2)}, 3x3 tiles ${r3.toFixed(2)}`);
    expect(r3).toBeGreaterThan(r1 + 0.2);
    expect(r3).toBeGreaterThan(0.6);
    // a bottle in the overlap of two tiles is one bottle: no second box lands on a bottle already found
    const claimed = new Set<number>();
    let doubled = 0;
    for (const d of [...tiled.bottles].sort((a, b) => b.score - a.score)) {
      const ious = truth.map((t) => boxIou(d.box, t));
      const best = ious.indexOf(Math.max(...ious));
      if (ious[best]! < 0.5) continue;
      if (claimed.has(best)) doubled++;
      claimed.add(best);
    }
    expect(doubled).toBeLessThanOrEqual(Math.ceil(truth.length * 0.02));
  }, 120_000);
});
