/**
 * npm run detect -- <image folder> --out preds.json [--model-dir DIR] [--threshold P] [--coco annotations.json] [--tiles auto|3x2|none]
 *
 * Runs a detector (the shipped one, or a model folder) and the fill model over every image of a
 * folder and writes COCO-style results, one entry per bottle: file_name, bbox [x, y, w, h] in the
 * image's own pixels, score, label, fill (0-1, or null) and fillObservable. With --coco it scores them
 * against a user's own labelled photos: AP50 and AP50:95, and precision / recall at the operating point.
 * This is how a bar, or anyone, checks a model on their own images. By default a large photo is cut
 * into tiles picked from its size (tiles.ts autoTiles) beside the whole-frame pass, so that the 20-30 px
 * bottles of a 3000 px photo are not shrunk to 4 px. A corrupt image is reported by
 * name and skipped; the run goes on.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, fillFolderFor, loadBottleVision } from '../vision/bottle-vision.js';
import type { TilePlan } from '../vision/tiles.js';
import { readDetectorMetadata } from '../vision/metadata.js';
import { VisionError } from '../types.js';
import { averagePrecision, mapRange, operatingPoint, type ImageResult, type TruthBox } from '../eval/metrics.js';

export interface DetectOptions {
  folder: string;
  out: string;
  /** A model folder (detector.json + its ONNX); default the shipped models/onnx. */
  modelDir?: string;
  /** The fill model's folder; default the model folder when it holds fill.json, else the shipped one. */
  fillDir?: string;
  /** Lowest score written; default the detector's operating point. */
  threshold?: number;
  /** A COCO annotations file to score against. */
  coco?: string;
  threads?: number;
  /**
   * A tiled pass: a grid (e.g. 3 x 2), 'auto' (picked from each image's size) or null (one pass); default the
   * detector's metadata when it names tiles, else 'auto': photos are checked as they are, often far larger than the detector's input.
   */
  tiles?: TilePlan;
}

export interface CocoResult {
  file_name: string;
  bbox: [number, number, number, number];
  score: number;
  label: string;
  fill: number | null;
  fillObservable: boolean;
}

export interface CocoScore {
  images: number;
  bottles: number;
  ap50: number;
  ap5095: number;
  threshold: number;
  precision: number;
  recall: number;
}

export interface DetectReport {
  results: CocoResult[];
  images: number;
  skipped: { file: string; reason: string }[];
  score?: CocoScore;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);
/** Detections kept below the written threshold when scoring, so AP sees the whole curve. */
const AP_FLOOR = 0.01;

/** A usage or input problem: the CLI prints it and exits 2. */
export class DetectUsageError extends Error {}

/** --tiles auto, 3x2 (cols x rows, 20 % overlap) or none; absent: the detector's metadata, else auto (detect.ts). */
export function parseTiles(v: string | undefined): TilePlan | undefined {
  if (v === undefined) return undefined;
  if (v === 'none') return null;
  if (v === 'auto') return 'auto';
  const m = /^([1-8])x([1-8])$/.exec(v);
  if (!m) throw new DetectUsageError(`--tiles must be auto, none or COLSxROWS (1-8 each, e.g. 3x2), got "${v}"`);
  return { cols: Number(m[1]), rows: Number(m[2]), overlap: 0.2 };
}

export async function detectFolder(o: DetectOptions, log: (line: string) => void = () => {}): Promise<DetectReport> {
  const folder = resolve(o.folder);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => IMAGE_EXT.has(extname(n).toLowerCase())).sort();
  } catch (e) {
    throw new DetectUsageError(`cannot read the image folder ${o.folder} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (names.length === 0) throw new DetectUsageError(`no images (.jpg, .jpeg, .png, .webp) in ${o.folder}`);
  const modelDir = resolve(o.modelDir ?? DEFAULT_MODEL_DIR);
  const meta = await readDetectorMetadata(join(modelDir, 'detector.json'));
  const threshold = o.threshold ?? meta.scoreThreshold;
  const truth = o.coco ? await readCoco(o.coco) : null;
  const vision = await loadBottleVision({
    modelDir,
    fillDir: o.fillDir ?? fillFolderFor(modelDir),
    threads: o.threads ?? 1,
    scoreThreshold: truth ? Math.min(threshold, AP_FLOOR) : threshold,
    tiles: o.tiles !== undefined ? o.tiles : (meta.tiles ?? 'auto'),
  });
  const results: CocoResult[] = [];
  const skipped: DetectReport['skipped'] = [];
  const scored: ImageResult[] = [];
  try {
    for (const name of names) {
      let bottles;
      try {
        bottles = (await vision.analyze(await readFile(join(folder, name)))).bottles;
      } catch (e) {
        if (!(e instanceof VisionError)) throw e;
        const reason = e.message.replace(/^image: /, '');
        skipped.push({ file: name, reason });
        log(`skipped ${name}: ${reason}`);
        continue;
      }
      for (const b of bottles.filter((d) => d.score >= threshold))
        results.push({
          file_name: name,
          bbox: [b.box.x, b.box.y, b.box.w, b.box.h].map(round2) as CocoResult['bbox'],
          score: Math.round(b.score * 1e5) / 1e5,
          label: b.label,
          fill: b.fill === null ? null : Math.round(b.fill * 1000) / 1000,
          fillObservable: b.fill !== null,
        });
      const t = truth?.get(name);
      if (t) scored.push({ truth: t, preds: bottles.map((b) => ({ ...b.box, score: b.score })) });
    }
  } finally {
    await vision.close();
  }
  await writeFile(o.out, `${JSON.stringify(results)}\n`);
  const report: DetectReport = { results, images: names.length - skipped.length, skipped };
  if (truth) {
    const unlabelled = names.length - skipped.length - scored.length;
    if (unlabelled > 0) log(`${unlabelled} image(s) of the folder have no entry in ${o.coco}: not scored`);
    const absent = [...truth.keys()].filter((n) => !names.includes(n)).length;
    if (absent > 0) log(`${absent} image(s) of ${o.coco} are not in the folder: not scored`);
    const op = operatingPoint(scored, meta.scoreThreshold);
    report.score = {
      images: scored.length,
      bottles: scored.reduce((s, r) => s + r.truth.filter((t) => !t.ignore).length, 0),
      ap50: averagePrecision(scored, 0.5),
      ap5095: mapRange(scored),
      threshold: meta.scoreThreshold,
      precision: op.precision,
      recall: op.recall,
    };
  }
  return report;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

interface CocoFile {
  images?: { id: number; file_name: string }[];
  annotations?: { image_id: number; category_id: number; bbox: number[]; iscrowd?: number }[];
  categories?: { id: number; name: string }[];
}

/**
 * Truth boxes by image base name. Only the categories named "bottle" count when there are any
 * (a set that also labels cans or glasses scores those as false alarms); otherwise every box.
 */
async function readCoco(file: string): Promise<Map<string, TruthBox[]>> {
  let coco: CocoFile;
  try {
    coco = JSON.parse(await readFile(file, 'utf8')) as CocoFile;
  } catch (e) {
    throw new DetectUsageError(`cannot read the COCO file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!Array.isArray(coco.images) || !Array.isArray(coco.annotations))
    throw new DetectUsageError(`${file} is not a COCO annotations file (no images or annotations list)`);
  const bottleIds = new Set((coco.categories ?? []).filter((c) => c.name.toLowerCase() === 'bottle').map((c) => c.id));
  const byId = new Map(coco.images.map((im) => [im.id, basename(im.file_name)]));
  const out = new Map<string, TruthBox[]>([...byId.values()].map((n) => [n, []]));
  for (const a of coco.annotations) {
    if (bottleIds.size > 0 && !bottleIds.has(a.category_id)) continue;
    const name = byId.get(a.image_id);
    if (!name || !Array.isArray(a.bbox) || a.bbox.length !== 4)
      throw new DetectUsageError(`${file}: annotation of image ${a.image_id} has no image or no [x, y, w, h] bbox`);
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    out.get(name)!.push({ x, y, w, h, ignore: a.iscrowd === 1 });
  }
  return out;
}
