/**
 * `eval:vision --grey`: every image seen in greyscale, as a bar's camera sends it at night, when it switches to
 * infrared and drops colour. The detector and the fill model both learnt from colour; this measures what is left.
 */
import sharp from 'sharp';
import type { BottleVision, RawFrame } from '../src/index.js';

/** RGB pixels made grey in place (Rec. 601 luma in all three channels, as a camera's monochrome mode writes them). */
export function greyPixels(rgb: Buffer): Buffer {
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const y = Math.round(0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!);
    rgb[i] = rgb[i + 1] = rgb[i + 2] = y;
  }
  return rgb;
}

/**
 * The same vision, shown each encoded image in greyscale. A raw frame is passed as it is: its caller holds the
 * pixels and makes them grey where it decodes them (eval's synthetic splits, whose true-box fills read the same ones).
 */
export function greyVision(vision: BottleVision): BottleVision {
  return {
    versions: vision.versions,
    ...(vision.input ? { input: vision.input } : {}),
    async analyze(image: Buffer | RawFrame) {
      if (!Buffer.isBuffer(image)) return vision.analyze(image);
      return vision.analyze(await sharp(image, { autoOrient: true }).greyscale().toColourspace('srgb').jpeg({ quality: 95 }).toBuffer());
    },
    close: () => vision.close(),
  };
}
