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
 * The horizontal pass's output, kept from crop to crop (8-10 bottles a frame, every frame). Grown to the
 * largest crop seen; a crop uses its first ow x rows x 3 bytes and writes all of them (rows outside the
 * image are zeroed, not skipped), so nothing of an earlier crop is read.
 */
let scratch = new Uint8Array(0);

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
  if (scratch.length < ow * rows * 3) scratch = new Uint8Array(ow * rows * 3);
  const mid = scratch;
  for (let r = 0; r < rows; r++) {
    const y = y0 + rowFirst + r;
    if (y < 0 || y >= H) {
      mid.fill(0, r * ow * 3, (r + 1) * ow * 3); // Pillow's crop pads with black
      continue;
    }
    for (let x = 0; x < ow; x++) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      const lo = ht.first[x]!;
      const kw = x * ht.size;
      for (let i = 0; i < ht.count[x]!; i++) {
        const sx = x0 + lo + i;
        if (sx < 0 || sx >= W) continue;
        const k = ht.weights[kw + i]!;
        const s = (y * W + sx) * 3;
        s0 += data[s]! * k;
        s1 += data[s + 1]! * k;
        s2 += data[s + 2]! * k;
      }
      const d = (r * ow + x) * 3;
      mid[d] = clip8(s0);
      mid[d + 1] = clip8(s1);
      mid[d + 2] = clip8(s2);
    }
  }
  const plane = ow * oh;
  const inv = 1 / 255;
  for (let y = 0; y < oh; y++) {
    const lo = vt.first[y]! - rowFirst;
    const kw = y * vt.size;
    for (let x = 0; x < ow; x++) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let i = 0; i < vt.count[y]!; i++) {
        const k = vt.weights[kw + i]!;
        const m = ((lo + i) * ow + x) * 3;
        s0 += mid[m]! * k;
        s1 += mid[m + 1]! * k;
        s2 += mid[m + 2]! * k;
      }
      const d = offset + y * ow + x;
      into[d] = clip8(s0) * inv;
      into[d + plane] = clip8(s1) * inv;
      into[d + 2 * plane] = clip8(s2) * inv;
    }
  }
}
