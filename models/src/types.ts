import type { TileGrid } from './vision/tiles.js';

/**
 * The one vision interface: the edge agent and the cloud's photo endpoints
 * call only this. Boxes are in the source image's pixels.
 */
export interface BottleDetection {
  box: { x: number; y: number; w: number; h: number };
  /** Detector confidence, 0-1. */
  score: number;
  /** The detector class that counted as a bottle (e.g. 'bottle'). */
  label: string;
  /** Fill fraction 0-1, or null when the liquid cannot be seen (opaque/ceramic bottle, or hidden). */
  fill: number | null;
  /** The fill model's uncertainty (standard deviation, 0-1); 1 when fill is null. */
  fillSigma: number;
}

export interface FrameAnalysis {
  width: number;
  height: number;
  bottles: BottleDetection[];
  timings: { decodeMs: number; detectMs: number; fillMs: number; totalMs: number };
}

export interface BottleVisionOptions {
  /** Folder holding the detector and fill models with their metadata JSON; defaults to the committed models/onnx. */
  modelDir?: string;
  /** Folder of the fill model (fill.json + its ONNX), when it is not beside the detector (e.g. the committed models/onnx). */
  fillDir?: string;
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** Minimum detector score for a bottle to be reported. */
  scoreThreshold?: number;
  /** Boxes overlapping a higher-scored one by more than this IoU are dropped as duplicates. */
  iouThreshold?: number;
  /** A tiled pass (cols x rows overlapping tiles plus the whole frame) for high-resolution cameras; null: one pass. Default: the detector's metadata. */
  tiles?: TileGrid | null;
}

export interface BottleVision {
  /** JPEG/PNG bytes (or a raw RGB buffer with its size) in, bottles with fills out. */
  analyze(image: Buffer | { data: Buffer; width: number; height: number; channels: 3 }): Promise<FrameAnalysis>;
  /** model name → version, for device status and model cards. */
  readonly versions: Record<string, string>;
  close(): Promise<void>;
}

/** Errors name the file and what is wrong; callers never crash on them. */
export class VisionError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'VisionError';
  }
}
