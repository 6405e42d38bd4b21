import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truthBox } from '../src/eval/metrics.js';
import { detectFolder, DetectUsageError, parseTiles } from '../src/detect/detect.js';
import { autoTiles, DEFAULT_MODEL_DIR, loadBottleVision, makeScene, renderScene, renderWideScene } from '../src/index.js';
import { readDetectorMetadata } from '../src/vision/metadata.js';
import { AUTO_TILE_MAX_SIDE, showsSmallBottles, SMALL_BOTTLE_PX, SMALL_BOTTLE_SCORE, tileGrid, tilesOf } from '../src/vision/tiles.js';

const INPUT = { width: 416, height: 416 };

describe('autoTiles: the grid from the image size', () => {
  it('leaves an image up to twice the detector input whole', () => {
    expect(autoTiles(416, 416, INPUT)).toBeNull();
    expect(autoTiles(640, 640, INPUT)).toBeNull();
    expect(autoTiles(640, 360, INPUT)).toBeNull();
    expect(autoTiles(832, 832, INPUT)).toBeNull();
    expect(autoTiles(833, 600, INPUT)).not.toBeNull();
  });

  it('cuts a larger image into the fewest tiles no larger than AUTO_TILE_MAX_SIDE x the input, 20 % overlap', () => {
    expect(AUTO_TILE_MAX_SIDE).toBe(0.75);
    expect(autoTiles(1280, 720, INPUT)).toEqual({ cols: 5, rows: 3, overlap: 0.2 });
    expect(autoTiles(1920, 1080, INPUT)).toEqual({ cols: 8, rows: 5, overlap: 0.2 });
    const limit = { w: AUTO_TILE_MAX_SIDE * INPUT.width, h: AUTO_TILE_MAX_SIDE * INPUT.height };
    for (const [w, h] of [
      [900, 500],
      [1280, 720],
      [1024, 768],
      [1920, 1080],
      [2000, 900],
    ] as const) {
      const grid = autoTiles(w, h, INPUT)!;
      for (const t of tilesOf(w, h, grid)) {
        expect(t.w).toBeLessThanOrEqual(limit.w);
        expect(t.h).toBeLessThanOrEqual(limit.h);
      }
      // the fewest such tiles: one fewer along a side would make them too large
      if (grid.cols > 1) expect(tilesOf(w, h, { ...grid, cols: grid.cols - 1 })[0]!.w).toBeGreaterThan(limit.w);
      if (grid.rows > 1) expect(tilesOf(w, h, { ...grid, rows: grid.rows - 1 })[0]!.h).toBeGreaterThan(limit.h);
    }
  });

  it('stops at 8 tiles a side: a 12 MP photo gets larger tiles, not more', () => {
    expect(autoTiles(4032, 3024, INPUT)).toEqual({ cols: 8, rows: 8, overlap: 0.2 });
    expect(autoTiles(20000, 600, INPUT)).toEqual({ cols: 8, rows: 3, overlap: 0.2 });
  });
});

describe('tiles in the metadata and on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auto-tiles-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const meta = async (tiles: unknown) => {
    const file = join(dir, 'detector.json');
    const m = {
      task: 'detect',
      name: 'x',
      version: '1',
      file: 'x.onnx',
      format: 'yolo',
      input: { width: 64, height: 64 },
      classes: ['bottle'],
    };
    await writeFile(file, JSON.stringify({ ...m, tiles }));
    return readDetectorMetadata(file);
  };

  it('reads "auto" and refuses other words with the reason', async () => {
    expect((await meta('auto')).tiles).toBe('auto');
    expect((await meta(null)).tiles).toBeNull();
    await expect(meta('big')).rejects.toThrow(/tiles must be "auto" or an object \{ cols, rows, overlap \}, got "big"/);
  });

  it('"auto" in a model folder turns tiles on for loadBottleVision (the edge agent\'s knob): no detector view size is offered', async () => {
    const folder = join(dir, 'auto-model');
    await mkdir(folder);
    const meta = JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'detector.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(folder, 'detector.json'), JSON.stringify({ ...meta, tiles: 'auto' }));
    await symlink(join(DEFAULT_MODEL_DIR, String(meta.file)), join(folder, String(meta.file)));
    const tiled = await loadBottleVision({ modelDir: folder, fillDir: DEFAULT_MODEL_DIR });
    const plain = await loadBottleVision();
    try {
      expect(tiled.input).toBeUndefined();
      expect(plain.input).toEqual({ width: 416, height: 416 });
    } finally {
      await tiled.close();
      await plain.close();
    }
  });

  it('--tiles takes auto, none or COLSxROWS and names what is wrong otherwise', () => {
    expect(parseTiles('auto')).toBe('auto');
    expect(parseTiles('none')).toBeNull();
    expect(parseTiles('3x2')).toEqual({ cols: 3, rows: 2, overlap: 0.2 });
    expect(parseTiles(undefined)).toBeUndefined();
    for (const bad of ['9x9', '0x2', '3x', 'Auto', '2.5x2', ''])
      expect(() => parseTiles(bad)).toThrow(
        new DetectUsageError(`--tiles must be auto, none or COLSxROWS (1-8 each, e.g. 3x2), got "${bad}"`),
      );
  });
});

describe('detect on a large photo of small bottles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auto-tiles-detect-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds more by default (auto tiles) than in one pass', async () => {
    // nine generated shelves in one 1920x1080 photo: its bottles are 15-60 px, a third of their 640x360 size
    const r = await renderWideScene({ firstSeed: 3_200_000, cols: 3, rows: 3 });
    const photos = join(dir, 'photos');
    await mkdir(photos);
    await writeFile(join(photos, 'wide.jpg'), r.jpeg);
    const coco = join(dir, 'annotations.json');
    const truth = r.bottles.filter((b) => !b.ignore).map(truthBox);
    await writeFile(
      coco,
      JSON.stringify({
        images: [{ id: 1, file_name: 'wide.jpg' }],
        annotations: truth.map((t) => ({ image_id: 1, category_id: 1, bbox: [t.x, t.y, t.w, t.h] })),
        categories: [{ id: 1, name: 'bottle' }],
      }),
    );
    const byDefault = await detectFolder({ folder: photos, out: join(dir, 'auto.json'), coco });
    const onePass = await detectFolder({ folder: photos, out: join(dir, 'none.json'), coco, tiles: null });
    const [auto, one] = [byDefault.score!, onePass.score!];
    expect([byDefault.tiled, onePass.tiled]).toEqual([1, 0]);
    console.log(
      `${auto.bottles} bottles: recall auto ${auto.recall.toFixed(2)} / one pass ${one.recall.toFixed(2)}, AP50 ${auto.ap50.toFixed(3)} / ${one.ap50.toFixed(3)}`,
    );
    expect(auto.recall).toBeGreaterThan(one.recall + 0.15);
    expect(auto.ap50).toBeGreaterThan(one.ap50 + 0.1);
  }, 120_000);
});

describe('auto on a frame small enough for one pass: tiles where the whole pass shows small bottles', () => {
  const bottle = (h: number, score: number) => ({ x: 10, y: 10, w: h / 3, h, score, label: 'bottle' });

  it('tiles as autoTiles would, no tile above 0.75x the input: 3x3 for a 640x640 photo, 2x2 for 416x416', () => {
    expect(tileGrid(640, 640, INPUT)).toEqual({ cols: 3, rows: 3, overlap: 0.2 });
    expect(tileGrid(416, 416, INPUT)).toEqual({ cols: 2, rows: 2, overlap: 0.2 });
    expect(tileGrid(800, 450, INPUT)).toEqual({ cols: 3, rows: 2, overlap: 0.2 });
    expect(tileGrid(1920, 1080, INPUT)).toEqual(autoTiles(1920, 1080, INPUT));
    expect(tileGrid(300, 300, INPUT)).toEqual({ cols: 1, rows: 1, overlap: 0.2 }); // its own only tile: not tiled
  });

  it('showsSmallBottles: a candidate scored SMALL_BOTTLE_SCORE or more, under SMALL_BOTTLE_PX tall at the input', () => {
    expect([SMALL_BOTTLE_SCORE, SMALL_BOTTLE_PX]).toEqual([0.1, 64]);
    const photo = { width: 832, height: 832 }; // shrunk by half into the 416 input
    expect(showsSmallBottles([bottle(126, 0.1)], photo, INPUT)).toBe(true); // 63 px at the input
    expect(showsSmallBottles([bottle(128, 0.9)], photo, INPUT)).toBe(false); // 64 px
    expect(showsSmallBottles([bottle(40, 0.09)], photo, INPUT)).toBe(false); // too faint to say
    expect(showsSmallBottles([bottle(300, 0.8), bottle(60, 0.2)], photo, INPUT)).toBe(true);
    expect(showsSmallBottles([], photo, INPUT)).toBe(false);
    // a landscape frame letterboxed by its width: 640x360 into 416 is 0.65
    expect(showsSmallBottles([bottle(97, 0.5)], { width: 640, height: 360 }, INPUT)).toBe(true);
    expect(showsSmallBottles([bottle(99, 0.5)], { width: 640, height: 360 }, INPUT)).toBe(false);
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auto-tiles-small-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A folder of one photo and its COCO file; boxes [x, y, w, h] in its pixels. */
  async function labelled(name: string, jpeg: Buffer, boxes: number[][]): Promise<{ folder: string; coco: string }> {
    const folder = join(dir, name);
    await mkdir(folder);
    await writeFile(join(folder, 'photo.jpg'), jpeg);
    const coco = join(dir, `${name}.json`);
    await writeFile(
      coco,
      JSON.stringify({
        images: [{ id: 1, file_name: 'photo.jpg' }],
        annotations: boxes.map((bbox) => ({ image_id: 1, category_id: 1, bbox })),
        categories: [{ id: 1, name: 'bottle' }],
      }),
    );
    return { folder, coco };
  }

  it('tiles a 800x450 photo of four shelves (bottles 19-40 px at the input) and finds more than one pass', async () => {
    const wide = await renderWideScene({ firstSeed: 3_300_000, cols: 2, rows: 2 });
    const k = 800 / wide.width;
    const jpeg = await sharp(wide.jpeg).resize(800, 450).jpeg({ quality: 92 }).toBuffer();
    const boxes = wide.bottles
      .filter((b) => !b.ignore)
      .map((b) => truthBox(b))
      .map((t) => [t.x * k, t.y * k, t.w * k, t.h * k]);
    const { folder, coco } = await labelled('shelves', jpeg, boxes);
    const byDefault = await detectFolder({ folder, out: join(dir, 'shelves-auto.json'), coco, lying: false });
    const onePass = await detectFolder({ folder, out: join(dir, 'shelves-one.json'), coco, tiles: null, lying: false });
    expect([byDefault.tiled, onePass.tiled]).toEqual([1, 0]);
    const [auto, one] = [byDefault.score!, onePass.score!];
    console.log(`${auto.bottles} bottles at 800x450: recall auto ${auto.recall.toFixed(2)} / one pass ${one.recall.toFixed(2)}`);
    expect(auto.recall).toBeGreaterThan(one.recall + 0.15);
  }, 120_000);

  it('leaves a close-up in one pass: the same boxes as --tiles none', async () => {
    const scene = await renderScene(makeScene({ seed: 3_300_100, split: 'normal', width: 640, height: 360 }));
    const [x, y, w, h] = scene.bottles.filter((b) => !b.ignore).sort((a, b) => b.box[3] - a.box[3])[0]!.box;
    // the tallest bottle with a margin of a third of its height, stretched to 640x640 as a phone photo
    const m = Math.round(h / 3);
    const left = Math.max(0, Math.round(x - m));
    const top = Math.max(0, Math.round(y - m));
    const crop = { left, top, width: Math.min(640 - left, Math.round(w + 2 * m)), height: Math.min(360 - top, Math.round(h + 2 * m)) };
    const jpeg = await sharp(scene.jpeg).extract(crop).resize(640, 640, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
    const { folder } = await labelled('close-up', jpeg, []);
    const read = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as { bbox: number[]; score: number }[];
    expect((await detectFolder({ folder, out: join(dir, 'close-auto.json'), lying: false, threshold: 0.01 })).tiled).toBe(0);
    await detectFolder({ folder, out: join(dir, 'close-one.json'), tiles: null, lying: false, threshold: 0.01 });
    const [auto, one] = [await read('close-auto.json'), await read('close-one.json')];
    expect(one.some((p) => p.score >= 0.25)).toBe(true);
    expect(auto).toEqual(one);
  }, 120_000);
});
