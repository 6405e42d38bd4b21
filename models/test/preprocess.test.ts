import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { VisionError } from '../src/types.js';
import { decodeImage, letterbox, letterboxGeometry, YOLO_STYLE, YOLOX_STYLE } from '../src/vision/preprocess.js';

const rgb = (w: number, h: number, px: number[][]): { data: Buffer; width: number; height: number } => ({
  data: Buffer.from(px.flat()),
  width: w,
  height: h,
});

describe('letterbox', () => {
  it('places an unscaled image in the middle rows with grey padding, CHW in 0-1', async () => {
    // 4x2 image: row 0 red ramp, row 1 blue
    const img = rgb(4, 2, [
      [0, 10, 20],
      [51, 10, 20],
      [102, 10, 20],
      [255, 10, 20],
      [0, 0, 255],
      [0, 0, 255],
      [0, 0, 255],
      [0, 0, 255],
    ]);
    const lb = await letterbox(img, 4, 4, 114);
    expect(lb).toMatchObject({ scale: 1, padX: 0, padY: 1 });
    const t = lb.tensor;
    expect(t.length).toBe(48);
    const pad = Math.fround(114 / 255);
    // channel R, row 0 and row 3 are padding
    expect([...t.slice(0, 4)]).toEqual([pad, pad, pad, pad]);
    expect([...t.slice(12, 16)]).toEqual([pad, pad, pad, pad]);
    // R row 1 = the ramp; G row 1 = 10; B row 2 = 255
    expect([...t.slice(4, 8)].map((v) => Math.round(v * 255))).toEqual([0, 51, 102, 255]);
    expect(Math.round(t[16 + 4]! * 255)).toBe(10);
    expect([...t.slice(32 + 8, 32 + 12)]).toEqual([1, 1, 1, 1]);
  });

  it('scales up a flat image and pads top and bottom', async () => {
    const img = rgb(2, 1, [
      [100, 150, 200],
      [100, 150, 200],
    ]);
    const lb = await letterbox(img, 8, 8, 0);
    expect(lb).toMatchObject({ scale: 4, padX: 0, padY: 2 });
    const plane = 64;
    for (let y = 0; y < 8; y++) {
      const want = y >= 2 && y < 6 ? [100, 150, 200] : [0, 0, 0];
      for (let c = 0; c < 3; c++) expect(Math.round(lb.tensor[c * plane + y * 8 + 3]! * 255)).toBe(want[c]);
    }
  });

  it('writes every float of a reused buffer: padding on all four sides, both styles, as into a fresh one', async () => {
    const img = rgb(3, 2, [
      [10, 20, 30],
      [40, 50, 60],
      [70, 80, 90],
      [100, 110, 120],
      [130, 140, 150],
      [160, 170, 180],
    ]);
    for (const style of [YOLO_STYLE, YOLOX_STYLE])
      for (const [dw, dh] of [
        [7, 5], // grey on the right and below (top-left) or on every side (centred)
        [3, 6],
        [9, 3],
      ] as const) {
        const fresh = (await letterbox(img, dw, dh, 114, style)).tensor;
        const used = new Float32Array(3 * dw * dh).fill(Number.NaN);
        expect([...(await letterbox(img, dw, dh, 114, style, used)).tensor], `${dw}x${dh} ${style.order}`).toEqual([...fresh]);
      }
  });

  it('matches the Python training arithmetic for a 720p frame into 416x256', () => {
    expect(letterboxGeometry(1280, 720, 416, 256)).toEqual({ scale: 0.325, nw: 416, nh: 234, padX: 0, padY: 11 });
    expect(letterboxGeometry(640, 640, 416, 256)).toEqual({ scale: 0.4, nw: 256, nh: 256, padX: 80, padY: 0 });
  });
});

describe('decodeImage', () => {
  it('decodes a JPEG to RGB', async () => {
    const jpeg = await sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .jpeg()
      .toBuffer();
    const img = await decodeImage(jpeg);
    expect([img.width, img.height, img.data.length]).toEqual([6, 4, 72]);
    expect(img.data[0]).toBeGreaterThan(150);
  });

  it('turns a truncated JPEG into a VisionError naming the source', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const err = await decodeImage(jpeg.subarray(0, jpeg.length / 2), 'cam1/frame.jpg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VisionError);
    expect((err as VisionError).message).toMatch(/^cam1\/frame\.jpg: cannot decode image/);
  });

  it('rejects garbage bytes and a raw buffer of the wrong size', async () => {
    await expect(decodeImage(Buffer.from('not an image at all'))).rejects.toThrow(VisionError);
    await expect(decodeImage({ data: Buffer.alloc(10), width: 4, height: 4, channels: 3 })).rejects.toThrow(/expected 4x4x3/);
  });
});

describe('decodeImage of a phone photo stored sideways (EXIF orientation)', () => {
  // shown: 1280x720, red on the left, blue on the right; stored rotated 90° the other way, EXIF 6
  const shown = (): Sharp =>
    sharp({ create: { width: 640, height: 720, channels: 3, background: { r: 220, g: 20, b: 20 } } })
      .extend({ right: 640, background: { r: 20, g: 20, b: 220 } })
      .flatten();
  const phone = async (): Promise<Buffer> =>
    sharp(await shown().png().toBuffer())
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
  const rgbAt = (img: { data: Buffer; width: number }, x: number, y: number): number[] => [
    ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
  ];

  it('is decoded as it is shown, at full size and shrunk on load, with the shown size reported', async () => {
    const jpeg = await phone();
    expect((await sharp(jpeg).metadata()).width).toBe(720); // stored sideways
    for (const detector of [undefined, { width: 416, height: 256 }]) {
      const img = await decodeImage(jpeg, 'phone.jpg', detector);
      expect([img.sourceWidth, img.sourceHeight]).toEqual([1280, 720]);
      expect(img.width / img.height).toBeCloseTo(1280 / 720, 2);
      const [lr, , lb] = rgbAt(img, Math.round(img.width * 0.1), Math.round(img.height / 2));
      const [rr, , rb] = rgbAt(img, Math.round(img.width * 0.9), Math.round(img.height / 2));
      expect(lr! > 150 && lb! < 80).toBe(true); // red on the left
      expect(rb! > 150 && rr! < 80).toBe(true); // blue on the right
    }
  });
});

describe('decodeImage shrink-on-load', () => {
  it('decodes a 720p JPEG at half size for a 416x256 detector and reports the source size', async () => {
    const jpeg = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#468' } })
      .jpeg()
      .toBuffer();
    const img = await decodeImage(jpeg, 'f.jpg', { width: 416, height: 256 });
    expect([img.width, img.height, img.sourceWidth, img.sourceHeight]).toEqual([640, 360, 1280, 720]);
    const small = await decodeImage(
      await sharp({ create: { width: 640, height: 360, channels: 3, background: '#468' } })
        .png()
        .toBuffer(),
      'g.png',
      { width: 416, height: 256 },
    );
    expect([small.width, small.height, small.sourceWidth]).toEqual([640, 360, 640]);
  });
});
