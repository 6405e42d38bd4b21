/**
 * npm run detect -- <image folder> --out preds.json [--model-dir DIR] [--threshold P] [--coco annotations.json] [--tiles auto|3x2|none] [--lying on|off]
 *
 * Runs a detector (the shipped one, or a model folder) and the fill model over every image of a
 * folder and writes COCO-style results, one entry per bottle: file_name, bbox [x, y, w, h] in the
 * image's own pixels, score, label, fill (0-1, or null) and fillObservable. With --coco it scores them
 * against a user's own labelled photos: AP50 and AP50:95, and precision / recall at the operating point.
 * This is how a bar, or anyone, checks a model on their own images. By default a large photo is cut
 * into tiles picked from its size (tiles.ts autoTiles) beside the whole-frame pass, so that the 20-30 px
 * bottles of a 3000 px photo are not shrunk to 4 px (a smaller one too where the whole pass shows small
 * bottles, tiles.ts showsSmallBottles), and each photo is also seen turned a quarter each way and 45°
 * each way, so that bottles lying in a crate or leaning in an ice bucket are found (turn.ts; --lying off for upright
 * shelves only, a fifth of the time). A corrupt image is reported by
 * name and skipped; the run goes on.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, fillFolderFor, loadBottleVision } from '../vision/bottle-vision.js';
import { TILE_PLAN_TEXT, TILE_PLAN_TEXT_RULE, tilePlanFromText, type TilePlan } from '../vision/tiles.js';
import { readDetectorMetadata } from '../vision/metadata.js';
import { storedGeometry } from '../vision/preprocess.js';
import { VisionError } from '../types.js';
import type { ImageResult } from '../eval/metrics.js';
import { decodeBmp, isBmp, type Rgb } from './bmp.js';
import { CocoFileError, readCoco, type CocoImage, type CocoTruth } from './coco.js';
import { IMAGE_EXT, listFolder, matcher } from './files.js';
import type { LabelFrame } from './orientation.js';
import { cocoEvalResults, placeBoxes, round2, round5, scoreResults, type Analysed, type LabelScore } from './labels.js';

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
   * A tiled pass: a grid (e.g. 3 x 2), 'auto' (picked from each image's size and, up to 2x the input, from what
   * the whole pass shows) or null (one pass); default the detector's metadata when it names tiles, else 'auto':
   * photos are checked as they are, often far larger than the detector's input.
   */
  tiles?: TilePlan;
  /**
   * Also look at each photo turned (turn.ts LYING_TURNS), for bottles lying or leaning; default on: photos are
   * checked as they come, bottles in crates and ice buckets too (BottleVisionOptions.photos).
   */
  lying?: boolean;
  /**
   * With coco: the frame the file's boxes are in for photos with an EXIF orientation: 'apply' (as a viewer
   * shows them), 'ignore' (the stored pixels), 'auto' (default: read from the file, orientation.ts).
   */
  exif?: 'auto' | 'apply' | 'ignore';
}

export interface CocoResult {
  /** with --coco: the file's id of the photo, as it spells it (a string past 2^53 is an integer written as digits) */
  image_id?: number | string;
  /** with --coco: the file's bottle category */
  category_id?: number | string;
  /** the photo's path under the folder */
  file_name: string;
  bbox: [number, number, number, number];
  score: number;
  label: string;
  fill: number | null;
  fillObservable: boolean;
}

export interface CocoScore extends LabelScore {
  /** the categories taken as bottle */
  categories: string[];
  /** the frame of the rotated photos' labels, and why (null: no labelled photo has an EXIF orientation) */
  frame: { frame: LabelFrame; because: string; photos: number } | null;
  /** labelled photos not analysed (absent from the folder, or unreadable), with their bottles counted as missed, as pycocotools counts them */
  withUnread?: { images: number; bottles: number; ap50: number; recall: number };
}

export interface DetectReport {
  results: CocoResult[];
  images: number;
  skipped: { file: string; reason: string }[];
  /** files of the folder that are not images, passed over */
  others: string[];
  /** images also cut into tiles (auto: by their size or, up to 2x the input, where the whole pass showed small bottles) */
  tiled: number;
  score?: CocoScore;
}

/** Detections kept below the written threshold when scoring, so AP sees the whole curve. */
const AP_FLOOR = 0.01;

/** A usage or input problem: the CLI prints it and exits 2. */
export class DetectUsageError extends Error {}

/** --lying on|off; absent: undefined (on: detect reads photos, BottleVisionOptions.photos). */
export function parseLying(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v !== 'on' && v !== 'off') throw new DetectUsageError(`--lying must be on or off, got "${v}"`);
  return v === 'on';
}

/** --tiles auto, 3x2 (cols x rows, 20 % overlap) or none; absent: the detector's metadata, else auto (detect.ts). */
export function parseTiles(v: string | undefined): TilePlan | undefined {
  if (v === undefined) return undefined;
  if (!TILE_PLAN_TEXT.test(v)) throw new DetectUsageError(`--tiles must be ${TILE_PLAN_TEXT_RULE}, got "${v}"`);
  return tilePlanFromText(v);
}

const few = (names: readonly string[], n = 5): string =>
  names.slice(0, n).join(', ') + (names.length > n ? `, … (${names.length} in all)` : '');

/** A BMP as RGB (libvips reads none), its failure as any unreadable photo's. */
function readBmp(bytes: Buffer): Rgb {
  try {
    return decodeBmp(bytes);
  } catch (e) {
    throw new VisionError(`cannot decode BMP (${bytes.length} bytes): ${(e as Error).message}`, 'image');
  }
}

/** Why a photo could not be read, with what to do where the format is the reason. */
function unreadable(path: string, e: unknown): string {
  const message =
    e instanceof VisionError
      ? e.message.replace(/^image: /, '')
      : `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  // libvips repeats its lines; one line a photo in the log
  const reason = [
    ...new Set(
      message
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ].join('; ');
  const ext = extname(path).toLowerCase();
  // libvips' own words for a HEVC photo are a page of seek errors
  if (ext === '.heic' || ext === '.heif')
    return `HEIC/HEIF (HEVC) photos cannot be decoded here: convert them to JPEG first (${reason.slice(0, 60)}…)`;
  if (ext === '.bmp') return `${reason}: convert it to PNG first`;
  return reason;
}

export async function detectFolder(o: DetectOptions, log: (line: string) => void = () => {}): Promise<DetectReport> {
  const folder = resolve(o.folder);
  let listing;
  try {
    listing = await listFolder(folder);
  } catch (e) {
    throw new DetectUsageError(`cannot read the image folder ${o.folder} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const names = listing.images;
  if (names.length === 0) throw new DetectUsageError(`no images (${[...IMAGE_EXT].join(', ')}) in ${o.folder} or its subfolders`);
  if (listing.others.length) log(`not images, passed over: ${few(listing.others)}`);
  const modelDir = resolve(o.modelDir ?? DEFAULT_MODEL_DIR);
  const meta = await readDetectorMetadata(join(modelDir, 'detector.json'));
  const threshold = o.threshold ?? meta.scoreThreshold;
  let truth: CocoTruth | null = null;
  try {
    truth = o.coco ? await readCoco(o.coco) : null;
  } catch (e) {
    throw e instanceof CocoFileError ? new DetectUsageError(e.message) : e;
  }
  const labelOf = new Map<string, CocoImage>();
  const absent: string[] = [];
  if (truth) {
    log(
      truth.allCategories
        ? `no category of ${o.coco} is named bottle: every label counts (${few(truth.bottleCategories, 8)})`
        : `taken as bottle: ${truth.bottleCategories.join(', ')}`,
    );
    for (const n of truth.notes) log(n);
    const find = matcher(names);
    const loose: string[] = [];
    for (const im of truth.images) {
      const m = find(im.fileName);
      if (!m) absent.push(im.fileName);
      else if (labelOf.has(m.path)) log(`${o.coco} lists ${m.path} twice: the first entry counts`);
      else {
        labelOf.set(m.path, im);
        if (m.loose) loose.push(`${im.fileName} → ${m.path}`);
      }
    }
    if (loose.length) log(`matched by a looser name: ${few(loose, 3)}`);
    if (absent.length) log(`${absent.length} image(s) of ${o.coco} are not in the folder: ${few(absent)}`);
  }
  const vision = await loadBottleVision({
    modelDir,
    fillDir: o.fillDir ?? fillFolderFor(modelDir),
    threads: o.threads ?? 1,
    scoreThreshold: truth ? Math.min(threshold, AP_FLOOR) : threshold,
    photos: true,
    ...(o.tiles !== undefined ? { tiles: o.tiles } : {}),
    ...(o.lying !== undefined ? { lying: o.lying } : {}),
  });
  const skipped: DetectReport['skipped'] = [];
  const analysed: (Analysed & { fills: { label: string; fill: number | null }[] })[] = [];
  let tiled = 0;
  try {
    for (const name of names) {
      try {
        const bytes = await readFile(join(folder, name));
        const bmp = isBmp(bytes) ? readBmp(bytes) : null;
        const frame = await vision.analyze(bmp ?? bytes);
        if (frame.tiles) tiled += 1;
        analysed.push({
          path: name,
          stored: bmp ? { width: bmp.width, height: bmp.height, orientation: 1 } : await storedGeometry(bytes),
          dets: frame.bottles.map((b) => ({ ...b.box, score: b.score })),
          fills: frame.bottles.map((b) => ({ label: b.label, fill: b.fill })),
          label: labelOf.get(name),
        });
      } catch (e) {
        if (!(e instanceof VisionError) && !(e as NodeJS.ErrnoException).code) throw e;
        const reason = unreadable(name, e);
        skipped.push({ file: name, reason });
        log(`skipped ${name}: ${reason}`);
      }
    }
  } finally {
    await vision.close();
  }

  const labelled = analysed.filter((a) => a.label);
  const forced = o.exif === 'apply' ? 'shown' : o.exif === 'ignore' ? 'stored' : undefined;
  const placement = placeBoxes(labelled, meta.scoreThreshold, forced);
  if (truth) {
    const d = placement.decision;
    const rotated = labelled.filter((a) => a.stored.orientation !== 1).length;
    if (d && rotated)
      log(
        `${rotated} labelled photo(s) carry an EXIF orientation: boxes written ${d.frame === 'shown' ? 'as a viewer shows them' : 'in the stored pixels'} (${d.because})`,
      );
    for (const n of placement.notes) log(n);
    const unlabelled = analysed.filter((a) => !a.label).map((a) => a.path);
    if (unlabelled.length)
      log(
        `${unlabelled.length} photo(s) have no entry in ${o.coco}: not scored and not written (pycocotools' loadRes takes only its ids): ${few(unlabelled)}`,
      );
  }

  const results: CocoResult[] = [];
  const lines: string[] = [];
  for (const a of truth ? labelled : analysed) {
    a.dets.forEach((d, i) => {
      if (d.score < threshold) return;
      const b = truth ? placement.place(a, d) : d;
      const r: CocoResult = {
        file_name: a.path,
        bbox: [b.x, b.y, b.w, b.h].map(round2) as CocoResult['bbox'],
        score: round5(d.score),
        label: a.fills[i]!.label,
        fill: a.fills[i]!.fill === null ? null : Math.round(a.fills[i]!.fill! * 1000) / 1000,
        fillObservable: a.fills[i]!.fill !== null,
      };
      const ids = a.label ? `"image_id":${a.label.idJson},"category_id":${truth!.categoryIdJson},` : '';
      lines.push(`{${ids}${JSON.stringify(r).slice(1)}`);
      results.push(a.label ? { image_id: idValue(a.label.idJson), category_id: idValue(truth!.categoryIdJson), ...r } : r);
    });
  }
  await writeFile(o.out, `[${lines.join(',\n')}]\n`);
  const report: DetectReport = { results, images: analysed.length, skipped, others: listing.others, tiled };
  if (truth) {
    const scored = cocoEvalResults(labelled, placement.place);
    report.score = {
      ...scoreResults(scored, meta.scoreThreshold),
      categories: truth.bottleCategories,
      frame: placement.decision ? { ...placement.decision, photos: labelled.filter((a) => a.stored.orientation !== 1).length } : null,
    };
    const analysedIds = new Set(labelled.map((a) => a.label!.idJson));
    const unread: ImageResult[] = truth.images.filter((im) => !analysedIds.has(im.idJson)).map((im) => ({ truth: im.boxes, preds: [] }));
    if (unread.length) {
      const all = scoreResults([...scored, ...unread], meta.scoreThreshold);
      report.score.withUnread = { images: unread.length, bottles: all.bottles - report.score.bottles, ap50: all.ap50, recall: all.recall };
    }
  }
  return report;
}

/** An id's JSON text as a value for the report: a number when it is one JavaScript holds exactly, else a string. */
function idValue(json: string): number | string {
  if (json.startsWith('"')) return JSON.parse(json) as string;
  const n = Number(json);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(json) ? n : json;
}
