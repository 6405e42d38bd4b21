import type { BottleVision } from '@smartstock/models';
import type { Logger } from '@smartstock/runtime';
import type { EventBus, Frame } from '../bus.js';
import type { Metrics } from '../health/metrics.js';

export interface VisionWorkerDeps {
  vision: BottleVision;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  /** Frames waiting, across all cameras; beyond it the oldest camera's frame is dropped. */
  queueSize: number;
  onDropped: (cameraId: string) => void;
}

const OWNER = 'vision';

/**
 * One shared vision session fed by every camera. At most one frame waits per
 * camera: a newer frame replaces it (latest frame wins) and the replaced one is
 * counted as dropped, so a slow model never builds a backlog of old pictures.
 */
export class VisionWorker {
  private readonly pending = new Map<string, Frame>();
  private busy = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly timings: number[] = [];

  constructor(private readonly deps: VisionWorkerDeps) {}

  start(): void {
    this.deps.bus.on('frame', OWNER, (f) => this.submit(f));
  }

  submit(frame: Frame): void {
    if (this.stopped) return;
    const replaced = this.pending.get(frame.cameraId);
    if (replaced) this.drop(replaced);
    else if (this.pending.size >= this.deps.queueSize) {
      const [oldest, old] = this.pending.entries().next().value!;
      this.pending.delete(oldest);
      this.drop(old);
    }
    this.pending.delete(frame.cameraId); // re-insert at the back: round-robin between cameras
    this.pending.set(frame.cameraId, frame);
    if (!this.busy) this.idle = this.run();
  }

  /** Inference time per frame over the last few hundred frames. */
  inferenceMs(): { p50: number; p99: number } {
    if (!this.timings.length) return { p50: 0, p99: 0 };
    const sorted = [...this.timings].sort((a, b) => a - b);
    const quantile = (fraction: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! * 10) / 10;
    return { p50: quantile(0.5), p99: quantile(0.99) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.bus.removeListeners(OWNER);
    for (const f of this.pending.values()) f.release?.();
    this.pending.clear();
    await this.idle;
  }

  private drop(frame: Frame): void {
    frame.release?.();
    this.deps.metrics.framesDropped.inc({ camera: frame.cameraId });
    this.deps.onDropped(frame.cameraId);
  }

  private async run(): Promise<void> {
    this.busy = true;
    try {
      while (!this.stopped && this.pending.size) {
        const [cameraId, frame] = this.pending.entries().next().value!;
        this.pending.delete(cameraId);
        const t0 = performance.now();
        try {
          const analysis = await this.deps.vision.analyze(frame.pixels ?? frame.jpeg);
          const ms = performance.now() - t0;
          this.timings.push(ms);
          if (this.timings.length > 500) this.timings.shift();
          this.deps.metrics.inferenceSeconds.observe(ms / 1000);
          this.deps.bus.emit('analysis', { cameraId, at: frame.at, analysis });
        } catch (err) {
          // A corrupt frame or a model error costs one frame, never the agent.
          this.deps.log.warn({ err: (err as Error).message, camera: cameraId }, 'frame not analysed');
        } finally {
          frame.release?.(); // analyze() is done with the pixels: the camera reuses their buffers
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
