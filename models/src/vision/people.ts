/**
 * The privacy pass: where people stand in a frame, so a snapshot can blur them before it
 * leaves the bar. It runs the COCO-trained YOLOX-Nano (which knows `person`) apart from the
 * bottle detector, because the bottle detector may be one that never learnt people.
 */
import { join } from 'node:path';
import { VisionError } from '../types.js';
import { DEFAULT_MODEL_DIR, detectBoxes, loadDetector } from './bottle-vision.js';
import { decodeImage } from './preprocess.js';

export interface PersonBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface PeopleFinder {
  /** JPEG/PNG bytes in; every person's box in the image's own pixels. */
  find(image: Buffer): Promise<PersonBox[]>;
  close(): Promise<void>;
}

export interface PeopleFinderOptions {
  /** A detector metadata file whose classes include `person`; defaults to the committed COCO YOLOX-Nano. */
  metaFile?: string;
  threads?: number;
  /**
   * Lower than a bottle threshold on purpose: a missed person leaves a face in a picture
   * that leaves the bar, while a false one only blurs a patch of shelf.
   */
  scoreThreshold?: number;
}

export const DEFAULT_PEOPLE_MODEL = join(DEFAULT_MODEL_DIR, 'yolox-nano-coco', 'detector.json');
export const DEFAULT_PEOPLE_THRESHOLD = 0.15;

export async function loadPeopleFinder(opts: PeopleFinderOptions = {}): Promise<PeopleFinder> {
  const metaFile = opts.metaFile ?? DEFAULT_PEOPLE_MODEL;
  const detector = await loadDetector(metaFile, Math.max(1, Math.floor(opts.threads ?? 1)));
  if (!detector.meta.classes.includes('person')) {
    await detector.session.release();
    throw new VisionError(`the detector has no "person" class (classes: ${detector.meta.classes.slice(0, 8).join(', ')}…)`, metaFile);
  }
  const threshold = opts.scoreThreshold ?? DEFAULT_PEOPLE_THRESHOLD;
  return {
    async find(image) {
      const img = await decodeImage(image, 'image', detector.meta.input);
      const sx = img.sourceWidth / img.width;
      const sy = img.sourceHeight / img.height;
      const { found } = await detectBoxes(detector, img, ['person'], threshold, detector.meta.iouThreshold);
      return found.map((c) => ({ x: c.x * sx, y: c.y * sy, w: c.w * sx, h: c.h * sy, score: c.score }));
    },
    close: () => detector.session.release(),
  };
}
