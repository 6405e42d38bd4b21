/**
 * detector.json for a user's Ultralytics YOLOv8 / YOLO11 ONNX export, read from the metadata the
 * exporter stores in the file (Python reprs: names "{0: 'person', ...}", imgsz "[640, 640]",
 * task "detect", args "{'nms': False, 'half': False, ...}"). Exports this library cannot run (a
 * segmentation or pose head, NMS or end-to-end heads inside the graph, float16 inputs) are refused
 * here with the export flag that fixes them, before anything is written.
 */
import { basename } from 'node:path';
import { VisionError } from '../types.js';

export interface YoloImportOptions {
  /** Classes that count as bottles; default: the model's class named "bottle" (COCO has one). */
  bottleClasses?: string[];
  /** Class names in output order, for an export without them in its metadata. */
  classes?: string[];
  /** Input size, for an export without imgsz in its metadata. */
  input?: { width: number; height: number };
  name?: string;
  /** Reported with every count; default: the export's date (Ultralytics' `version` is its own package's). */
  version?: string;
}

/** Ultralytics' own predict defaults, a fair start for a COCO model; tune them in the file. */
const DEFAULT_SCORE = 0.25;
const DEFAULT_IOU = 0.7;

/** "{0: 'person', 1: \"men's\"}" → ['person', "men's"]; null when there is no such entry. */
export function parseYoloNames(repr: string | undefined): string[] | null {
  if (!repr) return null;
  const byIndex = new Map<number, string>();
  for (const m of repr.matchAll(/(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g))
    byIndex.set(Number(m[1]), (m[2] ?? m[3]!).replace(/\\(.)/g, '$1'));
  if (byIndex.size === 0) return null;
  const names: string[] = [];
  for (let i = 0; i < byIndex.size; i++) {
    const n = byIndex.get(i);
    if (n === undefined) return null;
    names.push(n);
  }
  return names;
}

/** "[640, 640]" (height, width) or "640" → size; null when absent or unreadable. */
export function parseYoloImgsz(repr: string | undefined): { width: number; height: number } | null {
  const nums = (repr ?? '').match(/\d+/g)?.map(Number) ?? [];
  if (nums.length === 1) return { width: nums[0]!, height: nums[0]! };
  if (nums.length === 2) return { width: nums[1]!, height: nums[0]! };
  return null;
}

/** The first dozen class names, for an error message. */
const listed = (classes: string[]): string => `${classes.slice(0, 12).join(', ')}${classes.length > 12 ? ', …' : ''}`;

const flagOn = (props: Record<string, string>, flag: string): boolean =>
  new RegExp(`['"]${flag}['"]\\s*:\\s*True`).test(props.args ?? '') || /^true$/i.test(props[flag] ?? '');

/** The detector.json object for `onnxFile` (written beside it, so `file` is its base name). */
export function yoloDetectorMetadata(onnxFile: string, props: Record<string, string>, o: YoloImportOptions = {}): Record<string, unknown> {
  const fail = (what: string): never => {
    throw new VisionError(what, onnxFile);
  };
  if (props.task && props.task !== 'detect')
    fail(`is a YOLO "${props.task}" model; SmartStock runs detection models (export e.g. yolo11n.pt, not -seg or -pose)`);
  if (flagOn(props, 'nms')) fail('was exported with NMS inside the graph (output [1, N, 6]); export again with nms=False');
  if (flagOn(props, 'end2end'))
    fail('has an end-to-end head (output [1, N, 6]); export again with end2end=False, or use a YOLOv8 / YOLO11 model');
  if (flagOn(props, 'half')) fail('was exported with half=True (float16 input); export again with half=False');
  if (Number(props.batch ?? 1) > 1 && !flagOn(props, 'dynamic'))
    fail(`was exported for batches of ${props.batch}; SmartStock runs one frame at a time: export again with batch=1`);
  if (Number(props.channels ?? 3) !== 3) fail(`takes ${props.channels}-channel images; SmartStock feeds RGB: use a 3-channel model`);
  const classes =
    o.classes ??
    parseYoloNames(props.names) ??
    fail('has no class names in its metadata (not an Ultralytics export?): pass the classes in output order');
  const input = o.input ?? parseYoloImgsz(props.imgsz) ?? fail('has no input size (imgsz) in its metadata: pass the input size');
  const wanted = o.bottleClasses ?? (classes.includes('bottle') ? ['bottle'] : []);
  if (wanted.length === 0) fail(`has no class named "bottle" (its classes: ${listed(classes)}): name the bottle classes`);
  const unknown = wanted.filter((c) => !classes.includes(c));
  if (unknown.length) fail(`has no class ${unknown.map((c) => `"${c}"`).join(', ')} (its classes: ${listed(classes)})`);
  return {
    task: 'detect',
    name: o.name ?? basename(onnxFile).replace(/\.onnx$/i, ''),
    version: o.version ?? (props.date || '0'),
    file: basename(onnxFile),
    format: 'yolo',
    input: { width: input.width, height: input.height, pad: 114 },
    classes,
    bottleClasses: wanted,
    scoreThreshold: DEFAULT_SCORE,
    iouThreshold: DEFAULT_IOU,
  };
}
