/**
 * detector.json for a YOLOX ONNX export (Megvii's tools/export_onnx.py: one output [1, N, 5+nc]).
 * Unlike Ultralytics, YOLOX writes no metadata into the file, so what the import knows comes from the
 * graph's own input and output shapes: the input size, the number of classes (COCO's 80 names when
 * there are 80 and none are given), and whether N is the row count of the 8/16/32-stride grids at
 * that size, which a YOLOX export always is. An export that breaks any of these is refused here.
 */
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { VisionError } from '../types.js';
import { yoloxRows } from './decode.js';
import type { YoloImportOptions } from './yolo-import.js';

/** COCO's 80 detection classes in the order COCO-trained exports (YOLOX, YOLOv8) emit them. */
export const COCO_CLASSES: readonly string[] = [
  ...['person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light'],
  ...['fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow'],
  ...['elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee'],
  ...['skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle'],
  ...['wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange'],
  ...['broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed'],
  ...['dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven'],
  ...['toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush'],
];

/** YOLOX's own demo thresholds (demo/ONNXRuntime); tune them in the file. */
const DEFAULT_SCORE = 0.3;
const DEFAULT_IOU = 0.45;

export interface OnnxShapes {
  input: readonly (number | string)[];
  output: readonly (number | string)[];
}

/** The first input's and first output's shapes as the graph states them (names for dynamic axes). */
export async function readOnnxShapes(file: string, bytes: Buffer): Promise<OnnxShapes> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new VisionError(`onnxruntime cannot load the model: ${(e as Error).message.split('\n')[0]}`, file);
  }
  try {
    const [i, o] = [session.inputMetadata[0], session.outputMetadata[0]];
    if (!i?.isTensor || !o?.isTensor) throw new VisionError('model has no tensor input or output', file);
    return { input: i.shape, output: o.shape };
  } finally {
    await session.release();
  }
}

/** A graph that looks like a YOLOX export: [1, 3, H, W] in, [1, rows of the stride grids at H x W, 5+nc] out. */
export function looksLikeYolox(s: OnnxShapes): boolean {
  const [b, c, h, w] = s.input;
  const [ob, n, k] = s.output;
  return (
    s.input.length === 4 &&
    s.output.length === 3 &&
    [b, c, h, w, ob, n, k].every((d) => typeof d === 'number') &&
    c === 3 &&
    ob === 1 &&
    (k as number) > 5 &&
    (h as number) % 32 === 0 &&
    (w as number) % 32 === 0 &&
    n === yoloxRows(w as number, h as number)
  );
}

export interface YoloxImportOptions extends YoloImportOptions {
  /** The export decodes its boxes itself (decode_in_inference=True). */
  decoded?: boolean;
}

export function yoloxDetectorMetadata(onnxFile: string, shapes: OnnxShapes, o: YoloxImportOptions = {}): Record<string, unknown> {
  const fail = (what: string): never => {
    throw new VisionError(what, onnxFile);
  };
  const shown = (d: readonly (number | string)[]): string => `[${d.join(', ')}]`;
  const [, channels, ih, iw] = shapes.input;
  if (shapes.input.length !== 4 || (typeof channels === 'number' && channels !== 3))
    fail(`input ${shown(shapes.input)} is not one 3-channel image [1, 3, H, W]`);
  const stated = typeof iw === 'number' && typeof ih === 'number' ? { width: iw, height: ih } : null;
  if (stated && o.input && (stated.width !== o.input.width || stated.height !== o.input.height))
    fail(`input is ${stated.width}x${stated.height} (shape ${shown(shapes.input)}), not ${o.input.width}x${o.input.height}`);
  const input = stated ?? o.input ?? fail(`input ${shown(shapes.input)} has no fixed size: pass the input size`);
  if (input.width % 32 !== 0 || input.height % 32 !== 0)
    fail(`input ${input.width}x${input.height} is not a multiple of 32 on each side, as a YOLOX input must be`);
  const [b, n, k] = shapes.output;
  if (shapes.output.length !== 3 || b !== 1 || typeof k !== 'number' || k <= 5)
    fail(`output ${shown(shapes.output)} is not a YOLOX output [1, N, 5 + classes]`);
  const rows = yoloxRows(input.width, input.height);
  if (typeof n === 'number' && n !== rows)
    fail(
      `output ${shown(shapes.output)} has ${n} rows; a YOLOX export at ${input.width}x${input.height} has ${rows} (its 8/16/32-stride grids)`,
    );
  const nc = (k as number) - 5;
  if (o.classes && o.classes.length !== nc)
    fail(`output ${shown(shapes.output)} holds ${nc} classes, but ${o.classes.length} class names were given`);
  const classes =
    o.classes ??
    (nc === COCO_CLASSES.length ? [...COCO_CLASSES] : fail(`has ${nc} classes and no names in the file: pass the classes in output order`));
  const wanted = o.bottleClasses ?? (classes.includes('bottle') ? ['bottle'] : []);
  if (wanted.length === 0) fail(`has no class named "bottle": name the bottle classes`);
  const unknown = wanted.filter((c) => !classes.includes(c));
  if (unknown.length) fail(`has no class ${unknown.map((c) => `"${c}"`).join(', ')}`);
  return {
    task: 'detect',
    name: o.name ?? basename(onnxFile).replace(/\.onnx$/i, ''),
    version: o.version ?? '0',
    file: basename(onnxFile),
    format: 'yolox',
    ...(o.decoded ? { decoded: true } : {}),
    input: { width: input.width, height: input.height, pad: 114 },
    classes,
    bottleClasses: wanted,
    scoreThreshold: DEFAULT_SCORE,
    iouThreshold: DEFAULT_IOU,
  };
}
