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

  it('writes a COCO file whose annotations point at its images', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synth-'));
    try {
      await writeCocoDataset({ outDir: dir, firstSeed: 7, count: 2, split: 'hard', width: 160, height: 96 });
      const coco = JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8'));
      expect(coco.images.map((i: { id: number }) => i.id)).toEqual([7, 8]);
      expect(coco.annotations.length).toBeGreaterThan(0);
      for (const a of coco.annotations) expect([7, 8]).toContain(a.image_id);
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
