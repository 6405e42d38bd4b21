import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_JPEG_BYTES } from '@smartstock/protocol';
import { renderSnapshot } from '../../src/uplink/snapshot-image.js';

/** Mean absolute difference between horizontally neighbouring pixels: high for detail, near zero once blurred. */
async function detail(jpeg: Buffer, left: number, width: number): Promise<number> {
  const { data, info } = await sharp(jpeg)
    .extract({ left, top: 0, width, height: 200 })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 1; x < info.width; x++) sum += Math.abs(data[y * info.width + x]! - data[y * info.width + x - 1]!);
  return sum / (info.height * (info.width - 1));
}

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
