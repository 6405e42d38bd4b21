import type { CameraConfig, CameraHealth } from '@smartstock/protocol';
import { findFfmpeg, type Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import type { EventBus } from '../bus.js';
import type { Metrics } from '../health/metrics.js';
import { Camera } from './camera.js';

export interface CameraManagerDeps {
  runtime: AgentConfig['camera'];
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  onStateChange: (h: CameraHealth) => void;
  /** The detector's input size (BottleVision.input): each camera's ffmpeg also writes that view. */
  detectorInput?: { width: number; height: number } | undefined;
}

/** The set of running cameras; apply() swaps it for a new config without touching unchanged cameras. */
export class CameraManager {
  private readonly cameras = new Map<string, Camera>();
  private readonly ffmpegPath: string;

  constructor(private readonly deps: CameraManagerDeps) {
    this.ffmpegPath = findFfmpeg(deps.runtime.ffmpegPath);
  }

  async apply(configs: readonly CameraConfig[]): Promise<void> {
    const wanted = new Map(configs.map((c) => [c.id, c]));
    for (const [id, cam] of this.cameras) {
      const next = wanted.get(id);
      // Slots alone do not need a new ffmpeg: the shelf reads them; only the stream settings do.
      if (!next || streamKey(next) !== streamKey(cam.config)) {
        await cam.stop();
        this.cameras.delete(id);
      }
    }
    for (const c of configs) {
      if (this.cameras.has(c.id)) continue;
      const cam = new Camera(c, {
        runtime: this.deps.runtime,
        ffmpegPath: this.ffmpegPath,
        bus: this.deps.bus,
        metrics: this.deps.metrics,
        log: this.deps.log.child({ camera: c.id }),
        onStateChange: this.deps.onStateChange,
        detectorInput: this.deps.detectorInput,
      });
      this.cameras.set(c.id, cam);
      cam.start();
    }
  }

  get(id: string): Camera | undefined {
    return this.cameras.get(id);
  }

  health(): CameraHealth[] {
    return [...this.cameras.values()].map((c) => c.health());
  }

  /** The vision stage reports frames it had to drop; they show on the camera's status. */
  countDropped(cameraId: string): void {
    const cam = this.cameras.get(cameraId);
    if (cam) cam.dropped += 1;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((c) => c.stop()));
    this.cameras.clear();
  }
}

function streamKey(c: CameraConfig): string {
  return JSON.stringify([c.url, c.transport, c.sampleEverySeconds, c.enabled]);
}
