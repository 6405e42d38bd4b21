/** loadBottleVision: the detector and the fill model behind the one BottleVision interface. */
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { VisionError, type BottleDetection, type BottleVision, type BottleVisionOptions, type FrameAnalysis } from '../types.js';
import { decodeDetections, nms, type Candidate } from './decode.js';
import { readDetectorMetadata, readFillMetadata, type DetectorMetadata, type FillMetadata } from './metadata.js';
import { cropInto } from './crop.js';
import { autoTiles, cropTile, fromTile, lookedFirstGrid, SMALL_BOTTLE_SCORE, tilesOf, type TileGrid, type TilePlan } from './tiles.js';
import { fromTurned, LYING_TURNS, TURNED_SCORE_SCALE, turnImage } from './turn.js';
import { decodeImage, letterbox, letterboxGeometry, YOLO_STYLE, YOLOX_STYLE, type Letterbox, type RgbImage } from './preprocess.js';

/** The committed models: models/onnx, found from this file, not from the working directory. */
export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../onnx');

export interface LoadedModel<M> {
  meta: M;
  session: ort.InferenceSession;
}

async function openSession(file: string, threads: number, expect: readonly (number | null)[]): Promise<ort.InferenceSession> {
  try {
    await access(file);
  } catch {
    throw new VisionError('model file is missing', file);
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new VisionError(`onnxruntime cannot load the model: ${(e as Error).message.split('\n')[0]}`, file);
  }
  const input = session.inputMetadata[0];
  const wrong = async (what: string): Promise<never> => {
    await session.release();
    throw new VisionError(what, file);
  };
  if (!input || !input.isTensor) return wrong('model has no tensor input');
  if (input.type !== 'float32') return wrong(`input ${input.name} is ${input.type}; SmartStock feeds float32 (a YOLO export: half=False)`);
  const shape = input.shape;
  const fits = shape.length === expect.length && shape.every((d, i) => expect[i] === null || typeof d !== 'number' || d === expect[i]);
  if (!fits) return wrong(`input ${input.name} has shape [${shape.join(', ')}], metadata says [${expect.map((d) => d ?? 'N').join(', ')}]`);
  return session;
}

export async function loadDetector(metaFile: string, threads: number): Promise<LoadedModel<DetectorMetadata>> {
  const meta = await readDetectorMetadata(metaFile);
  return { meta, session: await openSession(meta.file, threads, [1, 3, meta.input.height, meta.input.width]) };
}

export async function loadFill(metaFile: string, threads: number): Promise<LoadedModel<FillMetadata>> {
  const meta = await readFillMetadata(metaFile);
  return { meta, session: await openSession(meta.file, threads, [null, 3, meta.input.height, meta.input.width]) };
}

async function run(model: LoadedModel<{ file: string }>, input: ort.Tensor): Promise<ort.Tensor> {
  try {
    const out = await model.session.run({ [model.session.inputNames[0]!]: input });
    return out[model.session.outputNames[0]!]!;
  } catch (e) {
    throw new VisionError(`inference failed: ${(e as Error).message.split('\n')[0]}`, model.meta.file);
  }
}

/** Spare fill batches of each fill model, by bottle count: 46 KB a bottle not allocated and collected every frame. */
const fillBatches = new WeakMap<LoadedModel<FillMetadata>, Map<number, Float32Array[]>>();

/**
 * One batched fill-model call over the boxes (pixels of img): each bottle's fill and its uncertainty
 * (both 0-1), or null where the model says the level cannot be seen (an opaque bottle).
 */
export async function readFills(
  fill: LoadedModel<FillMetadata>,
  img: RgbImage,
  boxes: readonly { x: number; y: number; w: number; h: number }[],
): Promise<({ fill: number; sigma: number } | null)[]> {
  if (boxes.length === 0) return [];
  const { width: fw, height: fh } = fill.meta.input;
  const per = 3 * fw * fh;
  // a batch kept from an earlier frame with as many bottles: every crop overwrites its whole slot
  let sizes = fillBatches.get(fill);
  if (!sizes) fillBatches.set(fill, (sizes = new Map()));
  if (sizes.size > 16 && !sizes.has(boxes.length)) sizes.clear();
  const free = sizes.get(boxes.length) ?? sizes.set(boxes.length, []).get(boxes.length)!;
  const batch = free.pop() ?? new Float32Array(per * boxes.length);
  let res: ort.Tensor;
  try {
    boxes.forEach((b, i) => cropInto(img, b, fw, fh, batch, i * per));
    res = await run(fill, new ort.Tensor('float32', batch, [boxes.length, 3, fh, fw]));
  } finally {
    free.push(batch);
  }
  const r = res.data as Float32Array;
  if (res.dims.length !== 2 || res.dims[0] !== boxes.length || res.dims[1] !== 3)
    throw new VisionError(`fill output shape [${res.dims.join(', ')}], expected [${boxes.length}, 3]`, fill.meta.file);
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  return boxes.map((_, i) =>
    r[i * 3 + 2]! >= fill.meta.observableThreshold ? { fill: clamp(r[i * 3]!), sigma: clamp(r[i * 3 + 1]! * fill.meta.sigmaScale) } : null,
  );
}

/** What one detector pass found: the asked-for classes' boxes and, when asked, the people. */
export interface PassFinds {
  found: Candidate[];
  people: Candidate[];
}

/**
 * One detector pass over a decoded image: the boxes of the named classes (in img's pixels), after NMS. Bottles
 * use the metadata's bottleClasses; the snapshot privacy pass asks for people. With `peopleThreshold`, the
 * `person` boxes of the same output too (read twice, run once: a second decode of 3,549 rows, not a second
 * inference), with their own NMS, so a bottle held in front of a chest is not suppressed by the person holding it.
 * `view`, the same picture already at the letterboxed size (RawFrame.detectorView), saves the resize.
 */
export async function detectBoxes(
  detector: LoadedModel<DetectorMetadata>,
  img: RgbImage,
  classes: readonly string[],
  threshold: number,
  iouThreshold: number,
  view?: RgbImage,
  peopleThreshold?: number,
): Promise<PassFinds> {
  const { width: iw, height: ih } = detector.meta.input;
  // one input buffer per call in flight, kept for the next frame: 1.3 MB not allocated and collected every frame
  const free = (inputBuffers.get(detector) ?? inputBuffers.set(detector, []).get(detector))!;
  const into = free.pop() ?? new Float32Array(3 * iw * ih);
  try {
    const lb = await detectorInput(detector, img, view, into);
    const out = await run(detector, new ort.Tensor('float32', lb.tensor, [1, 3, ih, iw]));
    const decode = (wanted: readonly string[], min: number): Candidate[] =>
      nms(
        decodeDetections(out.data as Float32Array, out.dims, { ...detector.meta, bottleClasses: [...wanted] }, lb, img, min),
        iouThreshold,
      );
    const people = peopleThreshold !== undefined && seesPeople(detector.meta) ? decode(['person'], peopleThreshold) : [];
    return { found: decode(classes, threshold), people };
  } finally {
    free.push(into);
  }
}

/**
 * The detector's input for a decoded image, as detectBoxes feeds it: letterboxed in the layout its
 * format wants (YOLOX: BGR 0-255 at the top-left; ours and Ultralytics': RGB 0-1 centred), from `view`
 * when that is the picture already at the letterboxed size. Exported so the edge bench's ceiling runs
 * the model on the agent's very floats rather than on a copy of this that can drift from it.
 */
export async function detectorInput(
  detector: LoadedModel<DetectorMetadata>,
  img: RgbImage,
  view?: RgbImage,
  into?: Float32Array,
): Promise<Letterbox> {
  const { width: iw, height: ih, pad } = detector.meta.input;
  const style = detector.meta.format === 'yolox' ? YOLOX_STYLE : YOLO_STYLE;
  const g = letterboxGeometry(img.width, img.height, iw, ih);
  const fits = !!view && view.width === g.nw && view.height === g.nh && view.data.length === g.nw * g.nh * 3;
  // the view is placed as img would be, so boxes map back to img with img's own scale
  return fits ? { ...(await letterbox(view, iw, ih, pad, style, into)), scale: g.scale } : letterbox(img, iw, ih, pad, style, into);
}

/** Spare detector input buffers of each loaded detector (as many as calls were ever in flight at once). */
const inputBuffers = new WeakMap<LoadedModel<DetectorMetadata>, Float32Array[]>();

/**
 * The tiled pass (tiles.ts): the whole frame, then each tile at about the detector's scale; one NMS
 * over all, so a bottle seen by two passes is counted once.
 */
export async function detectTiled(
  detector: LoadedModel<DetectorMetadata>,
  img: RgbImage,
  classes: readonly string[],
  threshold: number,
  iouThreshold: number,
  grid: TileGrid,
): Promise<Candidate[]> {
  return (await detectPlanned(detector, img, classes, grid, threshold, iouThreshold)).found;
}

/**
 * One image's boxes by the tile plan: one pass, a fixed grid, or a grid picked from its size. People come from
 * the whole-frame pass only: a person is large, and a tile cuts them into parts.
 */
async function detectPlanned(
  detector: LoadedModel<DetectorMetadata>,
  img: RgbImage,
  classes: readonly string[],
  tiles: TilePlan,
  threshold: number,
  iouThreshold: number,
  view?: RgbImage,
  peopleThreshold?: number,
): Promise<PassFinds & { grid: TileGrid | null }> {
  let grid = tiles === 'auto' ? autoTiles(img.width, img.height, detector.meta.input) : tiles;
  // auto on a frame small enough for one pass: the whole pass decides (lookedFirstGrid), read down to its own score
  const decides = tiles === 'auto' && !grid;
  const least = decides ? Math.min(threshold, SMALL_BOTTLE_SCORE) : threshold;
  const whole = await detectBoxes(detector, img, classes, least, iouThreshold, grid ? undefined : view, peopleThreshold);
  if (decides) grid = lookedFirstGrid(whole.found, img, detector.meta.input);
  // NMS keeps a box only against higher-scored ones, so dropping those under the threshold after it changes nothing
  const all = least < threshold ? whole.found.filter((c) => c.score >= threshold) : whole.found;
  if (!grid) return { found: all, people: whole.people, grid };
  for (const tile of tilesOf(img.width, img.height, grid)) {
    if (tile.w === img.width && tile.h === img.height) continue;
    const inTile = await detectBoxes(detector, cropTile(img, tile), classes, threshold, iouThreshold);
    all.push(...fromTile(inTile.found, tile, img));
  }
  return { found: nms(all, iouThreshold), people: whole.people, grid };
}

/** The lying pass (turn.ts): the image turned each of LYING_TURNS, each view's boxes turned back onto it. */
async function detectLying(
  detector: LoadedModel<DetectorMetadata>,
  img: RgbImage,
  tiles: TilePlan,
  threshold: number,
  iouThreshold: number,
): Promise<Candidate[]> {
  // a fixed grid turns with the frame: 3x2 tiles of a landscape frame are 2x3 of it turned a quarter
  // (auto picks each turned view's grid from its own size)
  const turnedTiles = tiles && tiles !== 'auto' ? { ...tiles, cols: tiles.rows, rows: tiles.cols } : tiles;
  const found: Candidate[] = [];
  const classes = detector.meta.bottleClasses;
  for (const degrees of LYING_TURNS) {
    const turned = await turnImage(img, degrees, detector.meta.input.pad);
    // scaled down once turned back: only what reaches the threshold then is asked for
    const { found: boxes } = await detectPlanned(detector, turned, classes, turnedTiles, threshold / TURNED_SCORE_SCALE, iouThreshold);
    found.push(...fromTurned(boxes, degrees, img, turned));
  }
  return found;
}

/**
 * The score from which a person counts as standing in the frame (FrameAnalysis.people). Higher than the privacy
 * blur's 0.15: a false person here holds a slot's count for a while, where a false blur costs only a patch of
 * shelf. A real person photographed in front of generated shelves scores 0.36-0.71 at 240 px tall in a 720p frame
 * and 0.70-0.88 from 360 px up with the shipped detector; the empty shelves gave no person box at 0.05.
 */
export const PEOPLE_IN_FRONT_THRESHOLD = 0.3;

/** Whether a detector reports people (a COCO export keeps the class; ours, trained on bottles alone, has none). */
function seesPeople(meta: DetectorMetadata): boolean {
  return meta.classes.includes('person');
}

/** Where the tools (detect, the evals) read fills for a detector folder: its own fill model, else the shipped one. */
export function fillFolderFor(modelDir: string): string {
  return existsSync(join(modelDir, 'fill.json')) ? modelDir : DEFAULT_MODEL_DIR;
}

export async function loadBottleVision(opts: BottleVisionOptions = {}): Promise<BottleVision> {
  const dir = resolve(opts.modelDir ?? DEFAULT_MODEL_DIR);
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const detector = await loadDetector(join(dir, 'detector.json'), threads);
  let fill: LoadedModel<FillMetadata> | null = null;
  const fillMeta = join(resolve(opts.fillDir ?? dir), 'fill.json');
  const hasFill = await access(fillMeta).then(
    () => true,
    () => false,
  );
  try {
    if (hasFill) fill = await loadFill(fillMeta, threads);
  } catch (e) {
    await detector.session.release();
    throw e;
  }
  const threshold = opts.scoreThreshold ?? detector.meta.scoreThreshold;
  const iouThreshold = opts.iouThreshold ?? detector.meta.iouThreshold;
  const tiles = opts.tiles !== undefined ? opts.tiles : (detector.meta.tiles ?? (opts.photos ? 'auto' : null));
  const lying = opts.lying ?? (opts.photos || detector.meta.lying);
  const reportsPeople = seesPeople(detector.meta);
  // a tiled frame is decoded at up to the tiles' combined input size (shrink-on-load keeps the rest);
  // 'auto' decodes every pixel, since its grid is picked from the image's own size
  const decodeFor =
    tiles === 'auto'
      ? undefined
      : tiles
        ? { width: detector.meta.input.width * tiles.cols, height: detector.meta.input.height * tiles.rows }
        : detector.meta.input;
  const versions: Record<string, string> = { [detector.meta.name]: detector.meta.version };
  if (fill) versions[fill.meta.name] = fill.meta.version;

  return {
    versions,
    ...(tiles ? {} : { input: { width: detector.meta.input.width, height: detector.meta.input.height } }),
    async analyze(image): Promise<FrameAnalysis> {
      const t0 = performance.now();
      const img = await decodeImage(image, 'image', decodeFor);
      const view = Buffer.isBuffer(image) ? undefined : image.detectorView;
      const sx = img.sourceWidth / img.width;
      const sy = img.sourceHeight / img.height;
      const t1 = performance.now();
      const classes = detector.meta.bottleClasses;
      const frame = await detectPlanned(detector, img, classes, tiles, threshold, iouThreshold, view, PEOPLE_IN_FRONT_THRESHOLD);
      let cands = frame.found;
      if (lying) cands = nms([...cands, ...(await detectLying(detector, img, tiles, threshold, iouThreshold))], iouThreshold);
      const t2 = performance.now();
      const bottles: BottleDetection[] = cands.map((c) => ({
        box: { x: c.x, y: c.y, w: c.w, h: c.h },
        score: c.score,
        label: c.label,
        fill: null,
        fillSigma: 1,
        ...(c.lying ? { lying: true } : {}),
      }));
      // a lying bottle's level runs along it, which the fill model never saw: no number (cards/yolox-nano.md)
      const upright = bottles.filter((b) => !b.lying);
      const uprightBoxes = upright.map((b) => b.box);
      const fills = fill ? await readFills(fill, img, uprightBoxes) : [];
      fills.forEach((f, i) => {
        if (f) [upright[i]!.fill, upright[i]!.fillSigma] = [f.fill, f.sigma];
      });
      const toSource = (box: { x: number; y: number; w: number; h: number }) => ({
        x: box.x * sx,
        y: box.y * sy,
        w: box.w * sx,
        h: box.h * sy,
      });
      if (sx !== 1 || sy !== 1) for (const b of bottles) b.box = toSource(b.box);
      const people = frame.people.map((p) => ({ box: toSource(p), score: p.score }));
      const t3 = performance.now();
      return {
        width: img.sourceWidth,
        height: img.sourceHeight,
        bottles,
        ...(reportsPeople ? { people } : {}),
        ...(frame.grid ? { tiles: { cols: frame.grid.cols, rows: frame.grid.rows } } : {}),
        timings: { decodeMs: t1 - t0, detectMs: t2 - t1, fillMs: t3 - t2, totalMs: t3 - t0 },
      };
    },
    async close() {
      await detector.session.release();
      if (fill) await fill.session.release();
    },
  };
}
