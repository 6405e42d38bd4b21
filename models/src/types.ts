import type { TilePlan } from './vision/tiles.js';

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
  /** Found on its side by the lying pass (`lying`); its fill is not read (null). */
  lying?: boolean;
}

/** A person the detector saw in the frame (its own `person` class, the same pass as the bottles). */
export interface PersonDetection {
  box: { x: number; y: number; w: number; h: number };
  score: number;
}

export interface FrameAnalysis {
  width: number;
  height: number;
  bottles: BottleDetection[];
  /**
   * People standing in the frame, from the same detector pass (no extra work): a bartender in front of a shelf
   * hides its bottles, and the edge agent holds those slots' counts rather than counting them gone. Absent when
   * the detector has no `person` class (a bottles-only export).
   */
  people?: PersonDetection[];
  /** The grid the upright frame was also cut into (BottleVisionOptions.tiles); absent: the whole frame in one pass. */
  tiles?: { cols: number; rows: number };
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
  /**
   * A tiled pass (cols x rows overlapping tiles plus the whole frame) for high-resolution cameras; 'auto': a grid
   * picked from each image's size (for an image up to 2x the detector's input, only where the whole pass shows
   * small bottles); null: one pass. Default: the detector's metadata, else 'auto' for `photos`, else one pass.
   */
  tiles?: TilePlan;
  /**
   * Also look at the frame turned a quarter each way and 45° each way (turn.ts), for bottles lying on their side
   * (a crate, a wine rack) or leaning (an ice bucket): five times the detector's work. Default: on for `photos`,
   * else the detector's metadata (`"lying": true`), else off.
   */
  lying?: boolean;
  /**
   * The images are photos someone took (a phone at a shelf, an ice well, a crate; `npm run detect`, the cloud's
   * photo endpoints), not a camera's frames with a per-frame budget: a large photo is tiled (`tiles` 'auto') and
   * the lying pass is on, unless `tiles` / `lying` or the detector's metadata say otherwise. Measured in
   * cards/yolox-nano.md ("Small bottles", "Lying and leaning bottles"): a 12 MP photo takes about 7 s on one thread.
   */
  photos?: boolean;
}

/**
 * A frame already decoded, and usually shrunk, by the caller (the edge agent's ffmpeg): RGB, 3 bytes a pixel.
 * The fill model's crops are cut from it, so it should keep about twice the detector's scale.
 */
export interface RawFrame {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
  /** The size the frame was shrunk from: boxes and the analysis' size come back in its pixels. Default: width x height. */
  sourceWidth?: number;
  sourceHeight?: number;
  /**
   * The same picture already at the detector's letterboxed size (`letterboxGeometry` of width x height into
   * `BottleVision.input`): the letterbox then skips its resize. Another size is ignored (the frame is resized as usual).
   */
  detectorView?: { data: Buffer; width: number; height: number };
}

export interface BottleVision {
  /** JPEG/PNG bytes (or a raw RGB frame with its size) in, bottles with fills out. */
  analyze(image: Buffer | RawFrame): Promise<FrameAnalysis>;
  /** The detector's input size, for a caller that prepares `RawFrame.detectorView`; absent when the frame is tiled. */
  readonly input?: { width: number; height: number };
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
