/**
 * The small JSON file beside each ONNX model: what goes in, what comes out. It is what lets
 * a user's own YOLOv8/YOLO11 export stand in for ours (format 'yolo', bottleClasses ['bottle']).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VisionError } from '../types.js';
import type { TileGrid, TilePlan } from './tiles.js';

export interface DetectorMetadata {
  task: 'detect';
  name: string;
  version: string;
  /** ONNX file, relative to the metadata file. */
  file: string;
  /**
   * 'yolo': one output [1, 4+nc, N] (Ultralytics YOLOv8/YOLO11 export; also ours) or its
   * transpose [1, N, 4+nc]: cx, cy, w, h in input pixels, then one score per class (already sigmoid);
   * RGB 0-1 input, letterbox centred.
   * 'yolox': one output [1, N, 5+nc] (Megvii YOLOX export): x, y, w, h, objectness, class scores
   * (sigmoids applied); BGR 0-255 input, letterbox at the top-left, as YOLOX's own preproc.
   */
  format: DetectorFormat;
  /**
   * 'yolox' only: the export's rows are raw grid offsets over the 8/16/32-stride cells (YOLOX's
   * default export, decode_in_inference=False), decoded here; true for an export that decoded them.
   */
  decoded: boolean;
  input: { width: number; height: number; /** letterbox padding, 0-255 */ pad: number };
  classes: string[];
  /** Which classes count as bottles. */
  bottleClasses: string[];
  scoreThreshold: number;
  iouThreshold: number;
  /**
   * A tiled pass for high-resolution cameras (tiles.ts): { cols, rows, overlap }, or "auto" (a grid picked
   * from each image's size); absent: the whole frame in one pass.
   */
  tiles: TilePlan;
  /** Also passes over the frame turned (turn.ts), for bottles lying on their side or leaning; absent: false. */
  lying: boolean;
}

export type DetectorFormat = 'yolo' | 'yolox';
export const DETECTOR_FORMATS: readonly DetectorFormat[] = ['yolo', 'yolox'];

export interface FillMetadata {
  task: 'fill';
  name: string;
  version: string;
  file: string;
  /** Output [B, 3]: fill 0-1, sigma 0-1, observable probability. */
  input: { width: number; height: number };
  observableThreshold: number;
  /** Multiplies the model's sigma so that 68 % of errors lie within it (bench/calibrate-sigma.ts); default 1. */
  sigmaScale: number;
}

function fail(file: string, what: string): never {
  throw new VisionError(what, file);
}

function num(file: string, o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    fail(file, `${key} must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function str(file: string, o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) fail(file, `${key} must be a non-empty string`);
  return v;
}

function bool(file: string, o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(file, `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function obj(file: string, v: unknown, key: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, `${key} must be an object`);
  return v as Record<string, unknown>;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    fail(file, `cannot read model metadata (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return obj(file, JSON.parse(text), 'metadata');
  } catch (e) {
    if (e instanceof VisionError) throw e;
    fail(file, `not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads and checks detector metadata; `file` comes back as an absolute path. */
export async function readDetectorMetadata(file: string): Promise<DetectorMetadata> {
  const o = await readJson(file);
  if (o.task !== 'detect') fail(file, `task must be "detect", got ${JSON.stringify(o.task)}`);
  const format = o.format as DetectorFormat;
  if (!DETECTOR_FORMATS.includes(format))
    fail(file, `format must be one of ${DETECTOR_FORMATS.map((f) => `"${f}"`).join(', ')}, got ${JSON.stringify(o.format)}`);
  if (o.decoded !== undefined && (typeof o.decoded !== 'boolean' || format !== 'yolox'))
    fail(file, `decoded must be true or false, and only for format "yolox", got ${JSON.stringify(o.decoded)}`);
  const input = obj(file, o.input, 'input');
  const classes = o.classes;
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => typeof c === 'string'))
    fail(file, 'classes must be a non-empty list of names');
  const bottleClasses = o.bottleClasses ?? ['bottle'];
  if (!Array.isArray(bottleClasses) || !bottleClasses.every((c) => typeof c === 'string' && classes.includes(c)))
    fail(file, `bottleClasses must name entries of classes, got ${JSON.stringify(bottleClasses)}`);
  const meta: DetectorMetadata = {
    task: 'detect',
    name: str(file, o, 'name'),
    version: str(file, o, 'version'),
    file: join(dirname(file), str(file, o, 'file')),
    format,
    decoded: o.decoded === true,
    input: {
      width: num(file, input, 'width', 8, 4096),
      height: num(file, input, 'height', 8, 4096),
      pad: input.pad === undefined ? 114 : num(file, input, 'pad', 0, 255),
    },
    classes: classes as string[],
    bottleClasses: bottleClasses as string[],
    scoreThreshold: o.scoreThreshold === undefined ? 0.3 : num(file, o, 'scoreThreshold', 0, 1),
    iouThreshold: o.iouThreshold === undefined ? 0.5 : num(file, o, 'iouThreshold', 0, 1),
    tiles: o.tiles === undefined || o.tiles === null ? null : o.tiles === 'auto' ? 'auto' : readTiles(file, tilesObject(file, o.tiles)),
    lying: o.lying === undefined ? false : bool(file, o, 'lying'),
  };
  if (format === 'yolox' && (meta.input.width % 32 !== 0 || meta.input.height % 32 !== 0))
    fail(file, `a YOLOX input must be a multiple of 32 on each side (its coarsest grid), got ${meta.input.width}x${meta.input.height}`);
  return meta;
}

function tilesObject(file: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(file, `tiles must be "auto" or an object { cols, rows, overlap }, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** tiles: { cols, rows, overlap }; named key by key so a hand-edited file says what is wrong. */
export function readTiles(file: string, o: Record<string, unknown>): TileGrid {
  const count = (key: 'cols' | 'rows'): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 8)
      fail(file, `tiles.${key} must be a whole number of tiles from 1 to 8, got ${JSON.stringify(v)}`);
    return v;
  };
  const overlap = o.overlap ?? 0.2;
  if (typeof overlap !== 'number' || !(overlap >= 0 && overlap <= 0.5))
    fail(file, `tiles.overlap must be a share of a tile from 0 to 0.5, got ${JSON.stringify(overlap)}`);
  return { cols: count('cols'), rows: count('rows'), overlap };
}

export async function readFillMetadata(file: string): Promise<FillMetadata> {
  const o = await readJson(file);
  if (o.task !== 'fill') fail(file, `task must be "fill", got ${JSON.stringify(o.task)}`);
  const input = obj(file, o.input, 'input');
  return {
    task: 'fill',
    name: str(file, o, 'name'),
    version: str(file, o, 'version'),
    file: join(dirname(file), str(file, o, 'file')),
    input: { width: num(file, input, 'width', 4, 1024), height: num(file, input, 'height', 4, 1024) },
    observableThreshold: o.observableThreshold === undefined ? 0.5 : num(file, o, 'observableThreshold', 0, 1),
    sigmaScale: o.sigmaScale === undefined ? 1 : num(file, o, 'sigmaScale', 0.05, 20),
  };
}
