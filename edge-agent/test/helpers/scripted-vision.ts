import type { BottleDetection, BottleVision, FrameAnalysis } from '@smartstock/models';

/**
 * A scripted stand-in for the vision library, for shelf and pipeline logic only
 * (STYLE #7); the end-to-end tests use the real models. Each analyze() returns the
 * next scripted frame (the last one repeats).
 */
export class ScriptedVision implements BottleVision {
  readonly versions = { detector: 'scripted-1', fill: 'scripted-1' };
  calls = 0;

  constructor(
    private readonly frames: BottleDetection[][] = [[]],
    private readonly size = { width: 640, height: 480 },
  ) {}

  async analyze(): Promise<FrameAnalysis> {
    const bottles = this.frames[Math.min(this.calls, this.frames.length - 1)] ?? [];
    this.calls += 1;
    return { ...this.size, bottles, timings: { decodeMs: 0, detectMs: 0, fillMs: 0, totalMs: 0 } };
  }

  async close(): Promise<void> {}
}

/** A bottle whose box centre is at (cx, cy) in a 640×480 frame. */
export function bottleAt(cx: number, cy: number, fill: number | null = 1, score = 0.9): BottleDetection {
  return { box: { x: cx - 10, y: cy - 30, w: 20, h: 60 }, score, label: 'bottle', fill, fillSigma: fill === null ? 1 : 0.05 };
}
