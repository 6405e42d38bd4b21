/**
 * EXIF orientation and the frame a label file means. A phone stores a portrait photo as a landscape bitmap
 * plus an EXIF Orientation (6 or 8; 3 when held upside down) that a viewer applies. The detector sees the
 * photo as a viewer shows it (decodeImage), but labelling tools disagree on which frame their boxes are in:
 * CVAT (since 2022), Label Studio, Roboflow (auto-orient), labelme and RectLabel label what the viewer shows;
 * older labelImg, X-AnyLabeling and raw-pixel pipelines (cv2 without EXIF, kwcoco) label the stored bitmap.
 * And a file's image width/height is not proof: Label Studio's COCO export and labelme2coco before 2023
 * write the stored size beside boxes in the shown frame (label-studio#6608, labelme2coco#9).
 */

/** The stored bitmap's size and its EXIF orientation (1-8). */
export interface Stored {
  width: number;
  height: number;
  orientation: number;
}

/** Which frame a label file's boxes are in: as a viewer shows the photo, or as its pixels are stored. */
export type LabelFrame = 'shown' | 'stored';

export function shownSize(s: Stored): { width: number; height: number } {
  return s.orientation >= 5 ? { width: s.height, height: s.width } : { width: s.width, height: s.height };
}

/** A point of the shown picture → the same point of the stored bitmap (continuous pixel coordinates, EXIF 1-8). */
export function shownToStoredPoint(s: Stored, vx: number, vy: number): [number, number] {
  const { width: W, height: H } = s;
  switch (s.orientation) {
    case 2:
      return [W - vx, vy];
    case 3:
      return [W - vx, H - vy];
    case 4:
      return [vx, H - vy];
    case 5:
      return [vy, vx];
    case 6:
      return [vy, H - vx];
    case 7:
      return [W - vy, H - vx];
    case 8:
      return [W - vy, vx];
    default:
      return [vx, vy];
  }
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box of the shown picture in the stored bitmap's pixels (quarter turns and mirrors keep a box a box). */
export function shownToStored(s: Stored, b: Box): Box {
  const [ax, ay] = shownToStoredPoint(s, b.x, b.y);
  const [bx, by] = shownToStoredPoint(s, b.x + b.w, b.y + b.h);
  return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) };
}

/** Labels that reach past one frame's edge (by more than 1 % + 2 px) cannot be in it. */
function fits(boxes: readonly Box[], size: { width: number; height: number }): boolean {
  const tol = (v: number): number => v * 1.01 + 2;
  return boxes.every((b) => b.x + b.w <= tol(size.width) && b.y + b.h <= tol(size.height));
}

export interface FrameVote {
  /** what the boxes' extent says: only one frame holds them all */
  boxes?: LabelFrame;
  /** what the file's width/height say */
  size?: LabelFrame;
}

/**
 * One rotated photo's evidence. Only a quarter turn (5-8) changes the frame's size, so only it can say
 * anything; a 180° turn or a mirror (2-4) keeps the size and takes the file's decision.
 */
export function frameVote(s: Stored, labelled: { width?: number; height?: number; boxes: readonly Box[] }): FrameVote {
  if (s.orientation < 5) return {};
  const shown = shownSize(s);
  const vote: FrameVote = {};
  const inShown = fits(labelled.boxes, shown);
  const inStored = fits(labelled.boxes, s);
  if (inShown !== inStored) vote.boxes = inShown ? 'shown' : 'stored';
  if (labelled.width === shown.width && labelled.height === shown.height) vote.size = 'shown';
  else if (labelled.width === s.width && labelled.height === s.height) vote.size = 'stored';
  return vote;
}

export interface FrameDecision {
  frame: LabelFrame;
  /** why, in words, for the log */
  because: string;
}

/**
 * The file's frame from its rotated photos' votes. Boxes that fit one frame only are proof and win; a
 * shown size is next (no tool writes the shown size with stored boxes); a stored size alone is not proof
 * (Label Studio writes it with shown boxes), so then `tieBreak` (the detections: which frame they match
 * the labels in) decides, and without one the shown frame, as viewers and most tools use.
 */
export function decideFrame(votes: readonly FrameVote[], tieBreak?: () => LabelFrame | null): FrameDecision {
  const count = (key: keyof FrameVote, f: LabelFrame): number => votes.filter((v) => v[key] === f).length;
  const [bs, bv] = [count('boxes', 'stored'), count('boxes', 'shown')];
  if (bs + bv > 0) {
    const frame = bs > bv ? 'stored' : 'shown';
    return {
      frame,
      because: `the labels of ${Math.max(bs, bv)} of them reach past the other frame's edge${bs && bv ? ` (${Math.min(bs, bv)} say the opposite)` : ''}`,
    };
  }
  const [ss, sv] = [count('size', 'stored'), count('size', 'shown')];
  if (sv > 0 && sv >= ss) return { frame: 'shown', because: `the file gives ${sv} of them their shown width x height` };
  const broken = tieBreak?.();
  if (broken) return { frame: broken, because: 'the labels fit both frames; the detections match them in this one' };
  if (ss > 0)
    return {
      frame: 'shown',
      because:
        'the file gives them their stored width x height but the labels fit both frames (Label Studio writes that with shown boxes); taken as shown',
    };
  return { frame: 'shown', because: 'nothing in the file says otherwise' };
}
