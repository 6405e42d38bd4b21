/**
 * Bottle crops for the fill model, cut exactly as training cuts them: Pillow's
 * `img.crop(tuple(round(v) for v in box)).resize((w, h), Image.BILINEAR)` (models/train/train_fill.py).
 * Pillow's bilinear widens its filter when it shrinks, so a tall bottle is averaged over every row it
 * covers; plain point sampling skips rows and hands the model crops it never saw in training. The
 * arithmetic follows Pillow's Resample.c: a horizontal pass, then a vertical one, both in 22-bit fixed
 * point with 8-bit rounding between them, and black outside the image as Pillow's crop pads it.
 */
import type { RgbImage } from './preprocess.js';

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

interface Taps {
  /** first input index of each output */
  first: Int32Array;
  /** taps of each output */
  count: Int32Array;
  /** fixed-point weights, `size` per output */
  weights: Int32Array;
  size: number;
}

const tapCache = new Map<string, Taps>();

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter. */
function taps(inSize: number, outSize: number): Taps {
  const key = `${inSize}/${outSize}`;
  const hit = tapCache.get(key);
  if (hit) return hit;
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = filterScale;
  const size = Math.ceil(support) * 2 + 1;
  const t: Taps = { first: new Int32Array(outSize), count: new Int32Array(outSize), weights: new Int32Array(outSize * size), size };
  const k = new Float64Array(size);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const n = Math.min(inSize, Math.trunc(center + support + 0.5)) - lo;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.max(0, 1 - Math.abs((i + lo - center + 0.5) / filterScale));
      k[i] = w;
      sum += w;
    }
    t.first[o] = lo;
    t.count[o] = n;
    for (let i = 0; i < n; i++) t.weights[o * size + i] = Math.trunc(0.5 + (sum === 0 ? 0 : k[i]! / sum) * (1 << PRECISION_BITS));
  }
  if (tapCache.size > 512) tapCache.clear();
  tapCache.set(key, t);
  return t;
}

const clip8 = (v: number): number => {
  const x = v >> PRECISION_BITS;
  return x < 0 ? 0 : x > 255 ? 255 : x;
};

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Scratch kept from crop to crop (8-10 bottles a frame, every frame), grown to the largest crop seen:
 * the horizontal pass's rows and each output column's taps
 * that fall inside the picture. A crop writes every element it reads (rows outside the picture are
 * zeroed, not skipped), so nothing of an earlier crop is read.
 */
let mid = new Uint8Array(0);
let tapFrom = new Int32Array(0);
let tapTo = new Int32Array(0);

/** Crop box (source pixels) to out w×h, written CHW 0-1 into `into` at `offset`. */
export function cropInto(
  img: RgbImage,
  box: { x: number; y: number; w: number; h: number },
  ow: number,
  oh: number,
  into: Float32Array,
  offset: number,
): void {
  const { data, width: W, height: H } = img;
  const x0 = roundHalfEven(box.x);
  const y0 = roundHalfEven(box.y);
  const cw = Math.max(1, roundHalfEven(box.x + box.w) - x0);
  const ch = Math.max(1, roundHalfEven(box.y + box.h) - y0);
  // Pillow skips a pass whose size does not change; unit taps give the same bytes, so every crop takes both.
  const ht = taps(cw, ow);
  const vt = taps(ch, oh);
  // Rows of the crop the vertical pass reads; the horizontal pass fills only those.
  const rowFirst = vt.first[0]!;
  const rows = vt.first[oh - 1]! + vt.count[oh - 1]! - rowFirst;
  const rowBytes = ow * 3;
  if (mid.length < rowBytes * rows) mid = new Uint8Array(rowBytes * rows);
  if (tapFrom.length < ow) [tapFrom, tapTo] = [new Int32Array(ow), new Int32Array(ow)];
  // Pillow's crop pads with black: a tap outside the picture adds nothing, so each column's taps are
  // clipped to the picture once per crop rather than tested per row.
  const hFirst = ht.first;
  const hCount = ht.count;
  const hWeights = ht.weights;
  const hSize = ht.size;
  for (let x = 0; x < ow; x++) {
    const sx = x0 + hFirst[x]!;
    tapFrom[x] = Math.max(0, -sx);
    tapTo[x] = Math.max(0, Math.min(hCount[x]!, W - sx));
  }
  for (let r = 0; r < rows; r++) {
    const y = y0 + rowFirst + r;
    let d = r * rowBytes;
    if (y < 0 || y >= H) {
      mid.fill(0, d, d + rowBytes);
      continue;
    }
    const rowStart = (y * W + x0) * 3;
    for (let x = 0; x < ow; x++, d += 3) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      const to = tapTo[x]!;
      let kw = x * hSize + tapFrom[x]!;
      let s = rowStart + (hFirst[x]! + tapFrom[x]!) * 3;
      for (let i = tapFrom[x]!; i < to; i++, kw++, s += 3) {
        const k = hWeights[kw]!;
        s0 += data[s]! * k;
        s1 += data[s + 1]! * k;
        s2 += data[s + 2]! * k;
      }
      mid[d] = clip8(s0);
      mid[d + 1] = clip8(s1);
      mid[d + 2] = clip8(s2);
    }
  }
  const plane = ow * oh;
  const inv = 1 / 255;
  const vWeights = vt.weights;
  for (let y = 0; y < oh; y++) {
    const taps = vt.count[y]!;
    const kw = y * vt.size;
    const top = (vt.first[y]! - rowFirst) * rowBytes;
    let d = offset + y * ow;
    for (let x = 0; x < rowBytes; x += 3, d++) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let m = top + x;
      for (let i = 0; i < taps; i++, m += rowBytes) {
        const k = vWeights[kw + i]!;
        s0 += mid[m]! * k;
        s1 += mid[m + 1]! * k;
        s2 += mid[m + 2]! * k;
      }
      into[d] = clip8(s0) * inv;
      into[d + plane] = clip8(s1) * inv;
      into[d + 2 * plane] = clip8(s2) * inv;
    }
  }
}
