import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isBottleName, parseJsonKeepingBigInts, segmentationBox } from '../src/detect/coco.js';
import { matcher, originalName } from '../src/detect/files.js';
import { shownSize, shownToStored } from '../src/detect/orientation.js';

describe('EXIF orientation: a box of the shown photo back in the stored pixels', () => {
  it('agrees with how libvips shows each of the 8 orientations', async () => {
    // a 60x40 bitmap, white but for a black 10x6 block at (8, 4): shown with each orientation, the block is
    // found in the shown picture and mapped back; it must land on the block again
    const w = 60;
    const h = 40;
    const raw = Buffer.alloc(w * h * 3, 255);
    for (let y = 4; y < 10; y++) for (let x = 8; x < 18; x++) raw.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tiff = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
        .tiff()
        .withMetadata({ orientation })
        .toBuffer();
      const { data, info } = await sharp(tiff).autoOrient().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual(Object.values(shownSize({ width: w, height: h, orientation })));
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
      for (let y = 0; y < info.height; y++)
        for (let x = 0; x < info.width; x++)
          if (data[(y * info.width + x) * info.channels]! < 128)
            [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      const back = shownToStored({ width: w, height: h, orientation }, { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 });
      expect(back, `orientation ${orientation}`).toEqual({ x: 8, y: 4, w: 10, h: 6 });
    }
  });
});

describe('COCO files as tools write them', () => {
  it('keeps ids past 2^53 digit for digit and leaves the rest as JSON.parse reads it', () => {
    const v = parseJsonKeepingBigInts(
      '{"a": [20190000000000000001, 20190000000000000002, -3, 1.5e3, 9007199254740991], "s": "x\\"1234567890123456789"}',
    ) as {
      a: unknown[];
      s: string;
    };
    expect(v.a).toEqual(['\u0000bigint:20190000000000000001', '\u0000bigint:20190000000000000002', -3, 1500, 9007199254740991]);
    expect(v.s).toBe('x"1234567890123456789');
  });

  it('bottle categories: the last word is bottle(s)', () => {
    for (const n of ['bottle', 'Bottle', 'bottles', 'Bottles', 'wine bottle', 'beer_bottle', 'Plastic-Bottles'])
      expect(isBottleName(n), n).toBe(true);
    for (const n of ['bottle cap', 'bottle opener', 'can', 'glass', 'bottleneck', '', undefined])
      expect(isBottleName(n), String(n)).toBe(false);
  });

  it('boxes a segmentation-only label: polygons, and RLE as pycocotools writes it (toBbox gives the same)', () => {
    expect(segmentationBox([[56, 16, 72, 16, 72, 48.5, 56, 48.5]])).toEqual({ x: 56, y: 16, w: 16, h: 32.5 });
    // pycocotools.mask.encode of a 40x60 mask with blocks [5:30, 10:22] and [12:14, 40:50]: toBbox [10, 5, 40, 25]
    const compressed = 'e<i0?000000000000000000000gf0YOPZO00000000000000000T<';
    expect(segmentationBox({ size: [40, 60], counts: compressed })).toEqual({ x: 10, y: 5, w: 40, h: 25 });
    // a run wrapping from one column's bottom to the next one's top: toBbox [3, 0, 2, 40]
    expect(segmentationBox({ size: [40, 60], counts: 'k49lU2' })).toEqual({ x: 3, y: 0, w: 2, h: 40 });
    expect(segmentationBox({ size: [4, 3], counts: [1, 2, 9] })).toEqual({ x: 0, y: 1, w: 1, h: 2 });
    expect(segmentationBox([])).toBeNull();
  });

  it('a photo renamed by Roboflow or Label Studio back to its own name', () => {
    expect(originalName('IMG_1234_JPG.rf.0123456789abcdef0123456789abcdef.jpg')).toBe('IMG_1234.JPG');
    expect(originalName('1a2b3c4d-IMG_1234.JPG')).toBe('IMG_1234.JPG');
    expect(originalName('IMG_1234.JPG')).toBeNull();
  });

  it('a file_name to the photo: path, base name, longest common tail, case, URL escapes, tool renames', () => {
    const find = matcher(['bar1/IMG_1.JPG', 'bar2/IMG_1.JPG', 'IMG 2.jpg', 'Café.jpg', 'x/IMG_3.jpeg']);
    const at = (n: string): string | undefined => find(n)?.path;
    expect(at('bar1/IMG_1.JPG')).toBe('bar1/IMG_1.JPG');
    expect(at('export/images/bar2/IMG_1.JPG')).toBe('bar2/IMG_1.JPG');
    expect(at('IMG_1.JPG')).toBeUndefined(); // two photos have that name: not guessed
    expect(at('C:\\data\\IMG 2.jpg')).toBe('IMG 2.jpg');
    expect(at('/data/upload/3/IMG%202.jpg')).toBe('IMG 2.jpg');
    expect(at('Cafe\u0301.jpg')).toBe('Café.jpg');
    expect(find('img_3.JPEG')).toEqual({ path: 'x/IMG_3.jpeg', loose: true });
    expect(at('images/1a2b3c4d-IMG_3.jpeg')).toBe('x/IMG_3.jpeg');
    expect(at('IMG_3_jpeg.rf.0123456789abcdef0123456789abcdef.jpg')).toBe('x/IMG_3.jpeg');
    expect(at('IMG_4.jpg')).toBeUndefined();
  });
});
