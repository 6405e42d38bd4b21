import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_JPEG_BYTES } from '@smartstock/protocol';
import { renderSnapshot } from '../../src/uplink/snapshot-image.js';

/** Mean absolute difference between neighbouring pixels inside a box: high for detail, near zero once blurred. */
async function detailIn(jpeg: Buffer, box: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data, info } = await sharp(jpeg).extract(box).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 1; x < info.width; x++) sum += Math.abs(data[y * info.width + x]! - data[y * info.width + x - 1]!);
  return sum / (info.height * (info.width - 1));
}

/** The detail of a band of the picture's top 200 rows. */
const detail = (jpeg: Buffer, left: number, width: number) => detailIn(jpeg, { left, top: 0, width, height: 200 });

describe('snapshot image', () => {
  it('blurs everything outside the slots and fits 120 KB', async () => {
    const noise = await sharp(randomBytes(1280 * 720 * 3), { raw: { width: 1280, height: 720, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(MAX_SNAPSHOT_JPEG_BYTES); // the raw frame would not fit
    const slot = {
      id: 'left',
      sku: 'X',
      polygon: [
        [0, 0],
        [0.5, 0],
        [0.5, 1],
        [0, 1],
      ] as [number, number][],
    };
    const out = await renderSnapshot(noise, [slot]);
    expect(out.jpeg.length).toBeLessThanOrEqual(MAX_SNAPSHOT_JPEG_BYTES);
    const w = out.width;
    const inside = await detail(out.jpeg, Math.round(w * 0.05), Math.round(w * 0.3));
    const outside = await detail(out.jpeg, Math.round(w * 0.6), Math.round(w * 0.3));
    expect(outside).toBeLessThan(inside / 5);
    // Blurred, not blacked out: the context keeps its light (random bytes average ~127).
    const { channels } = await sharp(out.jpeg)
      .extract({ left: Math.round(w * 0.6), top: 0, width: Math.round(w * 0.3), height: 200 })
      .stats();
    expect(channels[0]!.mean).toBeGreaterThan(90);
  });

  it('draws slot outlines by default and nothing when asked for a training frame', async () => {
    const grey = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const slot = {
      id: 's',
      sku: 'X',
      polygon: [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.75, 0.75],
        [0.25, 0.75],
      ] as [number, number][],
    };
    // a pixel on the slot's top edge: the outline is cyan (#00e0ff), the frame grey
    const at = async (jpeg: Buffer) => (await sharp(jpeg).extract({ left: 200, top: 50, width: 1, height: 1 }).raw().toBuffer())[0]!;
    expect(await at((await renderSnapshot(grey, [slot])).jpeg)).toBeLessThan(60);
    expect(await at((await renderSnapshot(grey, [slot], [], { overlay: false })).jpeg)).toBeGreaterThan(100);
  });
});

describe('snapshot privacy', () => {
  const PERSON = new URL('../../../models/test/fixtures/people/astronaut.jpg', import.meta.url).pathname;
  const wholeFrame = {
    id: 'all',
    sku: 'X',
    polygon: [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ] as [number, number][],
  };

  it('blurs a real person standing inside a slot, found by the people model, and leaves the rest of the slot sharp', async () => {
    const { loadPeopleFinder } = await import('@smartstock/models');
    const texture = await sharp(randomBytes(1280 * 720 * 3), { raw: { width: 1280, height: 720, channels: 3 } })
      .blur(0.6)
      .toBuffer();
    const person = { left: 700, top: 300, size: 400 };
    const frame = await sharp(texture, { raw: { width: 1280, height: 720, channels: 3 } })
      .composite([{ input: await sharp(PERSON).resize(person.size, person.size).toBuffer(), left: person.left, top: person.top }])
      .jpeg({ quality: 90 })
      .toBuffer();
    const finder = await loadPeopleFinder();
    try {
      const people = await finder.find(frame);
      expect(people.length).toBeGreaterThan(0);
      const sharpShot = await renderSnapshot(frame, [wholeFrame], [], { overlay: false, maxBytes: 2_000_000 });
      const privateShot = await renderSnapshot(frame, [wholeFrame], [], { overlay: false, maxBytes: 2_000_000, people });
      // The face: the upper middle of the pasted photo.
      const face = { left: person.left + 150, top: person.top + 40, width: 100, height: 120 };
      expect(await detailIn(privateShot.jpeg, face)).toBeLessThan((await detailIn(sharpShot.jpeg, face)) / 3);
      // Far from the person, the slot is as sharp as without the privacy pass.
      const shelf = { left: 40, top: 40, width: 300, height: 200 };
      expect(await detailIn(privateShot.jpeg, shelf)).toBeGreaterThan((await detailIn(sharpShot.jpeg, shelf)) * 0.8);
    } finally {
      await finder.close();
    }
  });

  it('blurs the boxes it is given even where no slot is drawn over them', async () => {
    const texture = await sharp(randomBytes(800 * 400 * 3), { raw: { width: 800, height: 400, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const shot = await renderSnapshot(texture, [wholeFrame], [], {
      overlay: false,
      maxBytes: 2_000_000,
      people: [{ x: 500, y: 100, w: 100, h: 200, score: 0.9 }],
    });
    const inBox = await detailIn(shot.jpeg, { left: 510, top: 120, width: 80, height: 160 });
    const beside = await detailIn(shot.jpeg, { left: 100, top: 120, width: 80, height: 160 });
    expect(inBox).toBeLessThan(beside / 5);
  });
});
