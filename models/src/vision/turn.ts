/**
 * The lying pass: the frame also seen turned, beside the frame as it is. A bottle on its side (in a crate,
 * a wine rack, knocked over) or leaning (in an ice bucket) is a shape no detector here has learnt: on
 * Beverage3's never-trained photos turned a quarter the default finds 3 of 150 (AP50 0.03, against 0.61
 * upright; cards/yolox-nano.md, "Lying bottles"). Turned back upright, the detector sees them as it knows
 * them. Each turned view's boxes are turned back (the box around the turned box's corners) and meet the
 * upright pass's in one NMS, their scores scaled down: the detector never learnt turned scenes, so its false
 * alarms there are the pass's cost, and a box seen only turned ranks below an upright one as sure.
 */
import sharp from 'sharp';
import type { Candidate } from './decode.js';
import type { RgbImage } from './preprocess.js';

/**
 * The turns looked at, in degrees clockwise: a quarter each way stands a bottle lying neck-left or neck-right
 * upright; 45° each way a bottle leaning in an ice bucket (measured one by one: cards/yolox-nano.md).
 */
export const LYING_TURNS: readonly number[] = [90, 270, 45, 315];

/** A turned view's scores are multiplied by this (measured: at 0.5 the upright photos' AP50 stays within 0.01-0.02 of one pass). */
export const TURNED_SCORE_SCALE = 0.5;

/** The image turned `degrees` clockwise on a canvas grown to hold it, the corners padded with `pad`. */
export async function turnImage(img: RgbImage, degrees: number, pad = 114): Promise<RgbImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .rotate(degrees, { background: { r: pad, g: pad, b: pad } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Boxes found in the image turned `degrees` clockwise (of size `turned`), back in the pixels of the image as it
 * was (of size `original`): the box around each turned box's corners, clipped to the image, its score scaled by
 * TURNED_SCORE_SCALE, marked `lying` (its fill is not read: the fill model knows upright bottles).
 */
export function fromTurned(
  cands: readonly Candidate[],
  degrees: number,
  original: { width: number; height: number },
  turned: { width: number; height: number },
): Candidate[] {
  const a = (degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  // the turn is about the centres; back is the opposite turn (y points down, so clockwise on screen)
  const back = (x: number, y: number): [number, number] => {
    const [dx, dy] = [x - turned.width / 2, y - turned.height / 2];
    return [original.width / 2 + dx * cos + dy * sin, original.height / 2 - dx * sin + dy * cos];
  };
  const out: Candidate[] = [];
  for (const c of cands) {
    const corners = [back(c.x, c.y), back(c.x + c.w, c.y), back(c.x, c.y + c.h), back(c.x + c.w, c.y + c.h)];
    const x0 = Math.max(0, Math.min(...corners.map((p) => p[0])));
    const y0 = Math.max(0, Math.min(...corners.map((p) => p[1])));
    const x1 = Math.min(original.width, Math.max(...corners.map((p) => p[0])));
    const y1 = Math.min(original.height, Math.max(...corners.map((p) => p[1])));
    if (x1 > x0 && y1 > y0) out.push({ ...c, x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: c.score * TURNED_SCORE_SCALE, lying: true });
  }
  return out;
}
