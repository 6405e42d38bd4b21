import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, detectorInput, loadDetector, type RgbImage } from '../src/index.js';

/** A flat image of one colour. */
const flat = (width: number, height: number, [red, green, blue]: [number, number, number]): RgbImage => {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) [data[i], data[i + 1], data[i + 2]] = [red, green, blue];
  return { data, width, height };
};

describe('detectorInput (what detectBoxes and the edge bench ceiling feed the detector)', () => {
  it('gives the shipped YOLOX detector BGR in 0-255 at the top-left, and takes a fitting view as the picture', async () => {
    const detector = await loadDetector(join(DEFAULT_MODEL_DIR, 'detector.json'), 1);
    try {
      const { width: iw, height: ih, pad } = detector.meta.input;
      expect(detector.meta.format).toBe('yolox');
      const plane = iw * ih;
      // twice the input's width and as tall: scaled by 1/2, the picture fills the top half
      const img = flat(2 * iw, ih, [200, 100, 10]);
      const lb = await detectorInput(detector, img);
      expect([lb.padX, lb.padY, lb.scale]).toEqual([0, 0, 0.5]);
      // first pixel, planes B, G, R
      expect([lb.tensor[0], lb.tensor[plane], lb.tensor[2 * plane]]).toEqual([10, 100, 200]);
      // the last row is padding
      expect(lb.tensor[plane - 1]).toBe(pad);
      // a view at the letterboxed size is what goes in, mapped back with img's scale
      const view = flat(iw, ih / 2, [1, 2, 3]);
      const fromView = await detectorInput(detector, img, view);
      expect([fromView.tensor[0], fromView.tensor[plane], fromView.tensor[2 * plane], fromView.scale]).toEqual([3, 2, 1, 0.5]);
    } finally {
      await detector.session.release();
    }
  });
});
