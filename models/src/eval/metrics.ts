/** Detection and fill metrics: COCO-style AP (101-point), precision/recall, fill error. */
import type { BottleTruth } from '../synthetic/render.js';
import { Rng } from '../synthetic/rng.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TruthBox extends Box {
  ignore?: boolean;
  /** a COCO iscrowd region (ignored): a detection inside it is absorbed, by the share of the detection it covers */
  crowd?: boolean;
  fill?: number;
  fillObservable?: boolean;
  /** the liquid line is behind the bottle's own label (fill known only to within the label's band) */
  levelBehindLabel?: boolean;
  opaque?: boolean;
  /** share of the bottle not hidden by others (synthetic truth only) */
  visible?: number;
  /** its height as the detector sees it in one letterboxed pass (real photos: scored by size at the input) */
  hAtInput?: number;
}

/** A generated bottle's truth as the metrics read it. */
export function truthBox(b: BottleTruth): TruthBox {
  const [x, y, w, h] = b.box;
  return {
    x,
    y,
    w,
    h,
    ignore: b.ignore,
    fill: b.fill,
    fillObservable: b.fillObservable,
    levelBehindLabel: b.levelBehindLabel,
    opaque: b.glass === 'opaque',
    visible: b.visible,
  };
}

export interface PredBox extends Box {
  score: number;
  fill?: number | null;
}

export interface ImageResult {
  truth: TruthBox[];
  preds: PredBox[];
}

export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** COCO's IoU against a crowd region: the intersection over the detection's own area (pycocotools' bbIou with iscrowd). */
export function crowdOverlap(pred: Box, crowd: Box): number {
  const ix = Math.max(0, Math.min(pred.x + pred.w, crowd.x + crowd.w) - Math.max(pred.x, crowd.x));
  const iy = Math.max(0, Math.min(pred.y + pred.h, crowd.y + crowd.h) - Math.max(pred.y, crowd.y));
  return pred.w * pred.h > 0 ? (ix * iy) / (pred.w * pred.h) : 0;
}

export interface Match {
  score: number;
  /** true positive, false positive, or dropped (matched an ignored truth box) */
  kind: 'tp' | 'fp' | 'ignored';
  truth?: TruthBox;
  pred: PredBox;
}

/** Greedy matching by descending score, as COCO does; ignored truths absorb detections without counting. */
export function matchImage(r: ImageResult, iouThreshold: number): { matches: Match[]; positives: number } {
  const used = new Set<number>();
  const preds = [...r.preds].sort((a, b) => b.score - a.score);
  const matches: Match[] = [];
  for (const p of preds) {
    let best = -1;
    let bestIou = iouThreshold;
    let bestIgnored = -1;
    r.truth.forEach((t, i) => {
      const v = t.crowd ? crowdOverlap(p, t) : boxIou(p, t);
      if (t.ignore) {
        if (v >= iouThreshold && bestIgnored < 0) bestIgnored = i;
        return;
      }
      if (!used.has(i) && v >= bestIou) {
        bestIou = v;
        best = i;
      }
    });
    if (best >= 0) {
      used.add(best);
      matches.push({ score: p.score, kind: 'tp', truth: r.truth[best], pred: p });
    } else matches.push({ score: p.score, kind: bestIgnored >= 0 ? 'ignored' : 'fp', pred: p });
  }
  return { matches, positives: r.truth.filter((t) => !t.ignore).length };
}

/** Average precision over all images at one IoU threshold (101-point interpolation). */
export function averagePrecision(results: ImageResult[], iouThreshold: number): number {
  const all: Match[] = [];
  let positives = 0;
  for (const r of results) {
    const m = matchImage(r, iouThreshold);
    all.push(...m.matches.filter((x) => x.kind !== 'ignored'));
    positives += m.positives;
  }
  if (positives === 0) return NaN;
  all.sort((a, b) => b.score - a.score);
  const prec: number[] = [];
  const rec: number[] = [];
  let tp = 0;
  all.forEach((m, i) => {
    if (m.kind === 'tp') tp++;
    prec.push(tp / (i + 1));
    rec.push(tp / positives);
  });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let sum = 0;
  for (let k = 0; k <= 100; k++) {
    const r = k * 0.01; // numpy's linspace(0, 1, 101) to the bit, as COCOeval's recThrs (k / 100 differs at 0.07...)
    const idx = rec.findIndex((x) => x >= r);
    sum += idx >= 0 ? prec[idx]! : 0;
  }
  return sum / 101;
}

/**
 * 90 % bootstrap interval of a metric over a set of images: the images are resampled with
 * replacement (fixed seed, so a rerun prints the same), and the 5th and 95th percentiles of the
 * metric are kept. On a set of a hundred images with 17 bottles this is the honest width of a score.
 */
export function bootstrapInterval(results: ImageResult[], metric: (r: ImageResult[]) => number, rounds = 400, seed = 1): [number, number] {
  if (results.length === 0) return [NaN, NaN];
  const rng = new Rng(seed);
  const values: number[] = [];
  for (let b = 0; b < rounds; b++) {
    const sample = results.map(() => results[Math.floor(rng.next() * results.length)]!);
    const v = metric(sample);
    if (!Number.isNaN(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;
  return [at(0.05), at(0.95)];
}

/**
 * 90 % bootstrap interval of the difference metric(b) − metric(a) of two detectors on the same images,
 * resampled together (the same draw for both): the pairs share each image's difficulty, so the interval
 * of the difference is much narrower than the two intervals side by side, and says whether one
 * detector's fall on a split is a fall or the split's own noise. a[i] and b[i] must be the same image.
 */
export function pairedDifferenceInterval(
  a: ImageResult[],
  b: ImageResult[],
  metric: (r: ImageResult[]) => number,
  rounds = 400,
  seed = 1,
): { difference: number; interval: [number, number]; belowZero: number } {
  if (a.length !== b.length) throw new Error(`paired images differ in number: ${a.length} and ${b.length}`);
  const rng = new Rng(seed);
  const differences: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const picks = a.map(() => Math.floor(rng.next() * a.length));
    const d = metric(picks.map((i) => b[i]!)) - metric(picks.map((i) => a[i]!));
    if (!Number.isNaN(d)) differences.push(d);
  }
  differences.sort((x, y) => x - y);
  const at = (q: number): number => differences[Math.min(differences.length - 1, Math.floor(q * differences.length))] ?? NaN;
  return {
    difference: metric(b) - metric(a),
    interval: [at(0.05), at(0.95)],
    belowZero: differences.filter((d) => d < 0).length / Math.max(1, differences.length),
  };
}

export function mapRange(results: ImageResult[]): number {
  let s = 0;
  // COCOeval's iouThrs, np.linspace(0.5, 0.95, 10), to the bit
  for (let k = 0; k < 10; k++) s += averagePrecision(results, k * ((0.95 - 0.5) / 9) + 0.5);
  return s / 10;
}

/** One image matched with only the detections at or above the operating threshold. */
const matchAt = (r: ImageResult, threshold: number, iouThreshold: number) =>
  matchImage({ truth: r.truth, preds: r.preds.filter((p) => p.score >= threshold) }, iouThreshold);

export interface OperatingPoint {
  precision: number;
  recall: number;
  /** mean |fill error| in points (0-100) over matched, observable bottles the model gave a fill whose liquid line is in view */
  fillMae: number;
  fillCount: number;
  /** the same over those whose line is behind their own label */
  fillMaeBehindLabel: number;
  fillCountBehindLabel: number;
  /** share of matched observable bottles that got a fill at all */
  fillCoverage: number;
  /** share of matched opaque bottles called not observable (fill null) */
  opaqueNotObservable: number;
  opaqueCount: number;
}

export function operatingPoint(results: ImageResult[], threshold: number, iouThreshold = 0.5): OperatingPoint {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  const err = { inView: { sum: 0, n: 0 }, behindLabel: { sum: 0, n: 0 } };
  let obs = 0;
  let opaque = 0;
  let opaqueNull = 0;
  for (const r of results) {
    const m = matchAt(r, threshold, iouThreshold);
    positives += m.positives;
    for (const x of m.matches) {
      if (x.kind === 'fp') fp++;
      if (x.kind !== 'tp' || !x.truth) continue;
      tp++;
      if (x.truth.opaque) {
        opaque++;
        if (x.pred.fill === null || x.pred.fill === undefined) opaqueNull++;
      } else if (x.truth.fillObservable && x.truth.fill !== undefined) {
        obs++;
        if (typeof x.pred.fill === 'number') {
          const e = x.truth.levelBehindLabel ? err.behindLabel : err.inView;
          e.sum += Math.abs(x.pred.fill - x.truth.fill) * 100;
          e.n++;
        }
      }
    }
  }
  return {
    precision: tp + fp > 0 ? tp / (tp + fp) : NaN,
    recall: positives > 0 ? tp / positives : NaN,
    fillMae: err.inView.n > 0 ? err.inView.sum / err.inView.n : NaN,
    fillCount: err.inView.n,
    fillMaeBehindLabel: err.behindLabel.n > 0 ? err.behindLabel.sum / err.behindLabel.n : NaN,
    fillCountBehindLabel: err.behindLabel.n,
    fillCoverage: obs > 0 ? (err.inView.n + err.behindLabel.n) / obs : NaN,
    opaqueNotObservable: opaque > 0 ? opaqueNull / opaque : NaN,
    opaqueCount: opaque,
  };
}

export interface Found {
  found: number;
  total: number;
}

/**
 * Recall at the operating point per group of truth boxes (by height, by how much is hidden...):
 * says which bottles the misses are, which one recall figure cannot.
 */
export function recallBy(
  results: ImageResult[],
  threshold: number,
  group: (t: TruthBox) => string,
  iouThreshold = 0.5,
): Map<string, Found> {
  const out = new Map<string, Found>();
  for (const r of results) {
    const m = matchAt(r, threshold, iouThreshold);
    const hit = new Set(m.matches.filter((x) => x.kind === 'tp').map((x) => x.truth));
    for (const t of r.truth) {
      if (t.ignore) continue;
      const key = group(t);
      const e = out.get(key) ?? { found: 0, total: 0 };
      out.set(key, { found: e.found + (hit.has(t) ? 1 : 0), total: e.total + 1 });
    }
  }
  return out;
}
