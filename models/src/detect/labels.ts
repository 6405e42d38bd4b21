/**
 * The detections of a folder against a user's COCO file: into the frame the file's boxes are in (EXIF,
 * orientation.ts; a file made on smaller copies of the photos), then scored as pycocotools' COCOeval scores
 * bbox results (top 100 a photo, crowd regions, its recall and IoU steps), on the boxes as written.
 */
import { averagePrecision, mapRange, matchImage, operatingPoint, type ImageResult, type PredBox } from '../eval/metrics.js';
import type { CocoImage } from './coco.js';
import {
  decideFrame,
  frameVote,
  shownSize,
  shownToStored,
  type Box,
  type FrameDecision,
  type LabelFrame,
  type Stored,
} from './orientation.js';

/** One analysed photo: its stored geometry and the detections in the shown frame. */
export interface Analysed {
  path: string;
  stored: Stored;
  dets: (Box & { score: number })[];
  label?: CocoImage;
}

/** COCOeval's maxDets for AP: the 100 best detections of each photo. */
export const COCO_MAX_DETS = 100;

export const round2 = (v: number): number => Math.round(v * 100) / 100;
export const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;

export interface Placement {
  /** the frame the file's boxes are in, for the rotated photos (null: none is rotated) */
  decision: FrameDecision | null;
  /** shown-frame box → the label file's pixels, per photo */
  place: (a: Analysed, b: Box) => Box;
  notes: string[];
}

/** Where each photo's boxes go: the file's frame, scaled when the file was made on resized copies. */
export function placeBoxes(labelled: readonly Analysed[], threshold: number, forced?: LabelFrame): Placement {
  const rotated = labelled.filter((a) => a.stored.orientation !== 1);
  const toFrame = (a: Analysed, b: Box, f: LabelFrame): Box => (f === 'stored' ? shownToStored(a.stored, b) : b);
  const matchesIn = (f: LabelFrame): number =>
    rotated.reduce((n, a) => {
      const preds = a.dets.filter((d) => d.score >= threshold).map((d) => ({ ...toFrame(a, d, f), score: d.score }));
      return n + matchImage({ truth: a.label!.boxes, preds }, 0.5).matches.filter((m) => m.kind === 'tp').length;
    }, 0);
  let decision: FrameDecision | null = null;
  if (forced) decision = { frame: forced, because: '--exif says so' };
  else if (rotated.length > 0)
    decision = decideFrame(
      rotated.map((a) => frameVote(a.stored, a.label!)),
      () => {
        const [shown, stored] = [matchesIn('shown'), matchesIn('stored')];
        return shown === stored ? null : shown > stored ? 'shown' : 'stored';
      },
    );
  const frame = decision?.frame ?? 'shown';
  const notes: string[] = [];
  const scaled: string[] = [];
  const odd: string[] = [];
  const scale = new Map<Analysed, { sx: number; sy: number }>();
  for (const a of labelled) {
    const f = a.stored.orientation === 1 || frame === 'shown' ? shownSize(a.stored) : a.stored;
    const { width: lw, height: lh } = a.label!;
    if (!lw || !lh || (lw === f.width && lh === f.height) || (lw === f.height && lh === f.width)) continue;
    if (Math.abs(lw / lh - f.width / f.height) < 0.01 * (f.width / f.height)) {
      scale.set(a, { sx: lw / f.width, sy: lh / f.height });
      scaled.push(a.path);
    } else odd.push(a.path);
  }
  if (scaled.length)
    notes.push(
      `${scaled.length} photo(s) are larger or smaller than the file says (e.g. ${scaled[0]}): boxes scaled to the file's width x height`,
    );
  if (odd.length)
    notes.push(
      `${odd.length} photo(s) have another shape than the file's width x height (e.g. ${odd[0]}): boxes left in the photo's pixels`,
    );
  return {
    decision: rotated.length > 0 || forced ? decision : null,
    notes,
    place: (a, b) => {
      const box = a.stored.orientation === 1 ? b : toFrame(a, b, frame);
      const s = scale.get(a);
      return s ? { x: box.x * s.sx, y: box.y * s.sy, w: box.w * s.sx, h: box.h * s.sy } : box;
    },
  };
}

export interface LabelScore {
  images: number;
  bottles: number;
  ap50: number;
  ap5095: number;
  threshold: number;
  precision: number;
  recall: number;
}

/** The photos in COCOeval's order (its sorted image ids), each with its 100 best detections, as written (rounded). */
export function cocoEvalResults(labelled: readonly Analysed[], place: Placement['place']): ImageResult[] {
  const numeric = labelled.every((a) => /^-?\d+$/.test(a.label!.idJson));
  const key = (a: Analysed): string => a.label!.idJson;
  const ordered = [...labelled].sort((a, b) =>
    numeric
      ? BigInt(key(a)) < BigInt(key(b))
        ? -1
        : BigInt(key(a)) > BigInt(key(b))
          ? 1
          : 0
      : key(a) < key(b)
        ? -1
        : key(a) > key(b)
          ? 1
          : 0,
  );
  return ordered.map((a) => ({
    truth: a.label!.boxes,
    preds: [...a.dets]
      .sort((p, q) => q.score - p.score)
      .slice(0, COCO_MAX_DETS)
      .map((d): PredBox => {
        const b = place(a, d);
        return { x: round2(b.x), y: round2(b.y), w: round2(b.w), h: round2(b.h), score: round5(d.score) };
      }),
  }));
}

export function scoreResults(results: ImageResult[], threshold: number): LabelScore {
  const op = operatingPoint(results, threshold);
  return {
    images: results.length,
    bottles: results.reduce((s, r) => s + r.truth.filter((t) => !t.ignore).length, 0),
    ap50: averagePrecision(results, 0.5),
    ap5095: mapRange(results),
    threshold,
    precision: op.precision,
    recall: op.recall,
  };
}
