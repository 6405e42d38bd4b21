import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BOTTLE_KINDS,
  makeScene,
  renderScene,
  renderShelfVideoFrames,
  shelfVideo,
  writeCocoDataset,
  type SceneBottle,
  type VideoFrame,
} from '../src/synthetic/index.js';

describe('synthetic back bar', () => {
  it('has at least 12 bottle kinds including opaque ones', () => {
    expect(BOTTLE_KINDS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(BOTTLE_KINDS.map((k) => k.glass))).toEqual(new Set(['clear', 'green', 'amber', 'frosted', 'opaque', 'blue']));
  });

  it('is deterministic: the same seed gives the same bytes, another seed does not', async () => {
    const a = await renderScene(makeScene({ seed: 42, width: 320, height: 180 }));
    const b = await renderScene(makeScene({ seed: 42, width: 320, height: 180 }));
    const c = await renderScene(makeScene({ seed: 43, width: 320, height: 180 }));
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    expect(a.bottles).toEqual(b.bottles);
    expect(a.jpeg.equals(c.jpeg)).toBe(false);
  });

  it('labels sane boxes and fills in both splits', async () => {
    for (const split of ['normal', 'hard'] as const) {
      for (let seed = 0; seed < 4; seed++) {
        const r = await renderScene(makeScene({ seed, split, width: 320, height: 180 }));
        const meta = await sharp(r.jpeg).metadata();
        expect([meta.width, meta.height, meta.format]).toEqual([320, 180, 'jpeg']);
        expect(r.bottles.length).toBeGreaterThan(0);
        for (const b of r.bottles) {
          const [x, y, w, h] = b.box;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(x + w).toBeLessThanOrEqual(320.01);
          expect(y + h).toBeLessThanOrEqual(180.01);
          expect(w).toBeGreaterThan(0);
          expect(b.fill).toBeGreaterThanOrEqual(0);
          expect(b.fill).toBeLessThanOrEqual(1);
          expect(b.visible).toBeGreaterThanOrEqual(0);
          expect(b.visible).toBeLessThanOrEqual(1);
          if (b.glass === 'opaque') expect(b.fillObservable).toBe(false);
        }
      }
    }
  });

  describe('what the truth calls seen', () => {
    const base = makeScene({ seed: 5, width: 320, height: 180 });
    const kind = (name: string) => BOTTLE_KINDS.find((k) => k.name === name)!;
    const VODKA = [200, 15, 85, 0.25] as const;
    const WHISKY = [30, 85, 35, 0.85] as const;
    // labelHue 1.5 and capHue 10 put the label's band between 17.5 % and 42.5 % of the body's height
    const bottle = (id: number, row: number, kindName: string, over: Partial<SceneBottle> = {}): SceneBottle => ({
      id,
      kind: kind(kindName),
      cx: 160,
      baseY: 170,
      w: 40,
      h: 140,
      fill: 0.8,
      liquid: VODKA,
      labelHue: 1.5,
      labelText: 'X',
      capHue: 10,
      present: true,
      row,
      ...over,
    });
    const truthOf = async (bottles: SceneBottle[]) => (await renderScene({ ...base, props: [], bottles })).bottles;
    const behind = async (front: SceneBottle) => (await truthOf([bottle(1, 0, 'clear-round'), front])).find((b) => b.id === 1)!;

    it('sees a bottle through clear glass, but not through a label, a dark liquid or green glass', async () => {
      expect((await behind(bottle(2, 1, 'clear-round', { labelHue: 5 }))).visible).toBe(1);
      const label = (await behind(bottle(2, 1, 'clear-round'))).visible;
      expect(label).toBeLessThan(1);
      expect(label).toBeGreaterThan(0.7);
      // the detector's training gives a cell to the bottle in front, so the truth must say which is
      const both = await truthOf([bottle(1, 0, 'clear-round'), bottle(2, 1, 'clear-round')]);
      expect(both.map((b) => b.layer)).toEqual([0, 1]);
      const whisky = await behind(bottle(2, 1, 'clear-round', { labelHue: 5, liquid: WHISKY, fill: 1 }));
      expect(whisky.visible).toBeLessThan(0.6);
      const green = await behind(bottle(2, 1, 'green-round'));
      expect(green.visible).toBe(0);
      expect(green.ignore).toBe(true);
      expect(green.fillObservable).toBe(false);
    });

    it("says when the liquid line is behind the bottle's own label", async () => {
      const [low] = await truthOf([bottle(1, 0, 'clear-round', { fill: 0.25 })]);
      const [high] = await truthOf([bottle(1, 0, 'clear-round', { fill: 0.8 })]);
      const [plain] = await truthOf([bottle(1, 0, 'clear-round', { fill: 0.25, labelHue: 5 })]);
      expect([low!.levelBehindLabel, high!.levelBehindLabel, plain!.levelBehindLabel]).toEqual([true, false, false]);
      expect(low!.fillObservable).toBe(true);
    });
  });

  it('writes a COCO file whose annotations point at its images', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synth-'));
    try {
      await writeCocoDataset({ outDir: dir, firstSeed: 7, count: 2, split: 'hard', width: 160, height: 96 });
      const coco = JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8'));
      expect(coco.images.map((i: { id: number }) => i.id)).toEqual([7, 8]);
      expect(coco.annotations.length).toBeGreaterThan(0);
      for (const a of coco.annotations) {
        expect([7, 8]).toContain(a.image_id);
        expect(Number.isInteger(a.layer)).toBe(true);
      }
      expect((await readdir(join(dir, 'images'))).sort()).toEqual(['hard-7.jpg', 'hard-8.jpg']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('shelf video', () => {
  it('yields frames with per-bottle truth; bottles change over time', async () => {
    const frames: VideoFrame[] = [];
    for await (const f of shelfVideo({ seed: 3, seconds: 12, fps: 1, width: 320, height: 180 })) frames.push(f);
    expect(frames).toHaveLength(12);
    expect(frames.map((f) => f.truth.index)).toEqual([...Array(12).keys()]);
    const fillsOf = (i: number): string =>
      JSON.stringify(frames[i]!.truth.bottles.map((b) => [b.id, b.fill]).concat(frames[i]!.truth.absent.map((id) => [id, -1])));
    expect(new Set(frames.map((_, i) => fillsOf(i))).size).toBeGreaterThan(1);
    for (const f of frames) for (const b of f.truth.bottles) expect(f.truth.absent).not.toContain(b.id);
  });

  it('writes numbered JPEG frames plus truth.json, the same bytes for the same seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'video-'));
    try {
      const n = await renderShelfVideoFrames({ seed: 5, seconds: 2, fps: 2, width: 160, height: 96, outDir: join(dir, 'a') });
      await renderShelfVideoFrames({ seed: 5, seconds: 2, fps: 2, width: 160, height: 96, outDir: join(dir, 'b') });
      expect(n).toBe(4);
      const files = (await readdir(join(dir, 'a'))).sort();
      expect(files).toEqual(['frame_00000.jpg', 'frame_00001.jpg', 'frame_00002.jpg', 'frame_00003.jpg', 'truth.json']);
      for (const f of files) expect((await readFile(join(dir, 'a', f))).equals(await readFile(join(dir, 'b', f)))).toBe(true);
      const truth = JSON.parse(await readFile(join(dir, 'a', 'truth.json'), 'utf8'));
      expect(truth.frames).toHaveLength(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
