import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { headerSize } from '../src/vision/image-size.js';

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#7a5' } });

describe('headerSize', () => {
  it('agrees with sharp on baseline and progressive JPEGs and on PNGs', async () => {
    for (const [w, h] of [
      [1280, 720],
      [37, 1],
      [1, 4096],
    ] as const) {
      for (const buf of [
        await solid(w, h).jpeg().toBuffer(),
        await solid(w, h).jpeg({ progressive: true }).toBuffer(),
        await solid(w, h).png().toBuffer(),
        // an EXIF block before the frame header, as cameras write it
        await solid(w, h).withMetadata().jpeg().toBuffer(),
      ]) {
        const meta = await sharp(buf).metadata();
        expect(headerSize(buf)).toEqual({ width: meta.width, height: meta.height, orientation: 1 });
      }
    }
  });

  it('reads the EXIF orientation and gives the size as shown, as sharp does (phones store portraits sideways)', async () => {
    for (let orientation = 1; orientation <= 8; orientation++) {
      const buf = await solid(120, 40).withMetadata({ orientation }).jpeg().toBuffer();
      const meta = await sharp(buf).metadata();
      expect(meta.orientation).toBe(orientation);
      expect(headerSize(buf)).toEqual({ ...meta.autoOrient, orientation });
    }
    expect(headerSize(await solid(120, 40).withMetadata({ orientation: 6 }).jpeg().toBuffer())).toEqual({
      width: 40,
      height: 120,
      orientation: 6,
    });
  });

  it('keeps the EXIF orientation when an XMP block follows it (phones and editors write both)', async () => {
    const jpeg = await solid(120, 40).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const xmp = Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', 'latin1');
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (xmp.length + 2) >> 8, (xmp.length + 2) & 0xff]), xmp]);
    // after the EXIF APP1 (the first segment after SOI)
    const exifEnd = 4 + jpeg.readUInt16BE(4);
    const both = Buffer.concat([jpeg.subarray(0, exifEnd), app1, jpeg.subarray(exifEnd)]);
    expect((await sharp(both).metadata()).orientation).toBe(6);
    expect(headerSize(both)).toEqual({ width: 40, height: 120, orientation: 6 });
  });

  it('returns null for what it does not know or cannot finish reading', async () => {
    const jpeg = await solid(64, 48).jpeg().toBuffer();
    expect(headerSize(await solid(8, 8).webp().toBuffer())).toBeNull();
    expect(headerSize(Buffer.from('not an image at all'))).toBeNull();
    expect(headerSize(jpeg.subarray(0, 20))).toBeNull();
    expect(headerSize(Buffer.alloc(0))).toBeNull();
  });
});
