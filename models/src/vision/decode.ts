/** Detector output → bottle boxes in source pixels: YOLO or YOLOX layout decode, then class-agnostic NMS. */
import { VisionError } from '../types.js';
import type { DetectorMetadata } from './metadata.js';
import type { Letterbox } from './preprocess.js';

export interface Candidate {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  label: string;
  /** Found lying, by the turned pass (turn.ts). */
  lying?: boolean;
}

/**
 * Reads a [1, 4+nc, N] (or [1, N, 4+nc]) output. Keeps the best bottle class of each column
 * when it clears `threshold`; maps letterboxed input pixels back to the source image and clips.
 */
export function decodeYolo(
  data: Float32Array,
  dims: readonly number[],
  meta: Pick<DetectorMetadata, 'classes' | 'bottleClasses' | 'file'>,
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  src: { width: number; height: number },
  threshold: number,
): Candidate[] {
  const nc = meta.classes.length;
  if (dims.length !== 3 || dims[0] !== 1 || (dims[1] !== 4 + nc && dims[2] !== 4 + nc))
    throw new VisionError(
      `output shape [${dims.join(', ')}] does not fit ${nc} classes (expected [1, ${4 + nc}, N] or [1, N, ${4 + nc}])`,
      meta.file,
    );
  const channelsFirst = dims[1] === 4 + nc;
  const n = channelsFirst ? dims[2]! : dims[1]!;
  const at = channelsFirst ? (c: number, i: number) => data[c * n + i]! : (c: number, i: number) => data[i * (4 + nc) + c]!;
  const bottleIdx = meta.bottleClasses.map((c) => meta.classes.indexOf(c));
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    let best = -1;
    let score = threshold;
    for (const k of bottleIdx) {
      const s = at(4 + k, i);
      if (s >= score) {
        score = s;
        best = k;
      }
    }
    if (best < 0) continue;
    const cx = (at(0, i) - lb.padX) / lb.scale;
    const cy = (at(1, i) - lb.padY) / lb.scale;
    const w = at(2, i) / lb.scale;
    const h = at(3, i) / lb.scale;
    const x0 = Math.max(0, cx - w / 2);
    const y0 = Math.max(0, cy - h / 2);
    const x1 = Math.min(src.width, cx + w / 2);
    const y1 = Math.min(src.height, cy + h / 2);
    if (x1 - x0 < 1 || y1 - y0 < 1) continue;
    out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score, label: meta.classes[best]! });
  }
  return out;
}

/** YOLOX's output strides; an input side must be a multiple of the largest. */
export const YOLOX_STRIDES = [8, 16, 32] as const;

/** Rows of a YOLOX output for this input: one per cell of each stride's grid. */
export function yoloxRows(width: number, height: number): number {
  return YOLOX_STRIDES.reduce((n, s) => n + (width / s) * (height / s), 0);
}

/**
 * Reads a YOLOX [1, N, 5+nc] output: per row x, y, w, h, objectness, class scores. Raw rows
 * (meta.decoded false) are grid offsets: cx = (x + column) * stride, w = exp(w) * stride, the rows
 * running over the 8, 16 then 32-stride grids, each row-major. Score = objectness × class score.
 */
export function decodeYolox(
  data: Float32Array,
  dims: readonly number[],
  meta: Pick<DetectorMetadata, 'classes' | 'bottleClasses' | 'file' | 'decoded' | 'input'>,
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  src: { width: number; height: number },
  threshold: number,
): Candidate[] {
  const nc = meta.classes.length;
  const rows = yoloxRows(meta.input.width, meta.input.height);
  if (dims.length !== 3 || dims[0] !== 1 || dims[2] !== 5 + nc || dims[1] !== rows)
    throw new VisionError(
      `output shape [${dims.join(', ')}] is not a YOLOX output for ${nc} classes at ${meta.input.width}x${meta.input.height} (expected [1, ${rows}, ${5 + nc}])`,
      meta.file,
    );
  const stride = 5 + nc;
  const bottleIdx = meta.bottleClasses.map((c) => meta.classes.indexOf(c));
  const out: Candidate[] = [];
  let i = 0;
  for (const s of YOLOX_STRIDES) {
    const gw = meta.input.width / s;
    const cells = gw * (meta.input.height / s);
    for (let cell = 0; cell < cells; cell++, i++) {
      const row = i * stride;
      const obj = data[row + 4]!;
      if (obj < threshold) continue; // class scores are at most 1: this row cannot clear it
      let best = -1;
      let score = threshold;
      for (const k of bottleIdx) {
        const v = obj * data[row + 5 + k]!;
        if (v >= score) {
          score = v;
          best = k;
        }
      }
      if (best < 0) continue;
      // read in place: no array or spread per kept row (the output is 1.2 MB a frame already)
      let cx = data[row]!;
      let cy = data[row + 1]!;
      let w = data[row + 2]!;
      let h = data[row + 3]!;
      if (!meta.decoded) {
        cx = (cx + (cell % gw)) * s;
        cy = (cy + Math.floor(cell / gw)) * s;
        w = Math.exp(w) * s;
        h = Math.exp(h) * s;
      }
      const c = toSource(cx, cy, w, h, lb, src, score, meta.classes[best]!);
      if (c) out.push(c);
    }
  }
  return out;
}

/** A box in letterboxed input pixels (centre, size) → a candidate in source pixels, clipped; null when under a pixel. */
function toSource(
  cx: number,
  cy: number,
  w: number,
  h: number,
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  src: { width: number; height: number },
  score: number,
  label: string,
): Candidate | null {
  const x0 = Math.max(0, (cx - lb.padX - w / 2) / lb.scale);
  const y0 = Math.max(0, (cy - lb.padY - h / 2) / lb.scale);
  const x1 = Math.min(src.width, (cx - lb.padX + w / 2) / lb.scale);
  const y1 = Math.min(src.height, (cy - lb.padY + h / 2) / lb.scale);
  return x1 - x0 < 1 || y1 - y0 < 1 ? null : { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score, label };
}

/** The decoder the metadata's format names. */
export function decodeDetections(
  data: Float32Array,
  dims: readonly number[],
  meta: DetectorMetadata,
  lb: Pick<Letterbox, 'scale' | 'padX' | 'padY'>,
  src: { width: number; height: number },
  threshold: number,
): Candidate[] {
  return meta.format === 'yolox' ? decodeYolox(data, dims, meta, lb, src, threshold) : decodeYolo(data, dims, meta, lb, src, threshold);
}

export function iou(a: Candidate, b: Candidate): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter || 1);
}

/** Greedy NMS, highest score first; at most `limit` boxes. */
export function nms(cands: Candidate[], iouThreshold: number, limit = 300): Candidate[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score);
  const keep: Candidate[] = [];
  for (const c of sorted) {
    if (keep.length >= limit) break;
    if (keep.every((k) => iou(k, c) <= iouThreshold)) keep.push(c);
  }
  return keep;
}
