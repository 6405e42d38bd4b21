import { describe, expect, it } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { BottleVision, FrameAnalysis } from '@smartstock/models';
import { EventBus, type AnalysedFrame } from '../../src/bus.js';
import { createMetrics } from '../../src/health/metrics.js';
import { VisionWorker } from '../../src/vision/worker.js';

/** A vision session that finishes only when the test says so. */
class GatedVision implements BottleVision {
  readonly versions = { gated: '1' };
  private releases: (() => void)[] = [];
  seen: string[] = [];
  async analyze(image: Buffer | { data: Buffer }): Promise<FrameAnalysis> {
    this.seen.push((Buffer.isBuffer(image) ? image : image.data).toString());
    await new Promise<void>((r) => this.releases.push(r));
    return { width: 1, height: 1, bottles: [], timings: { decodeMs: 0, detectMs: 0, fillMs: 0, totalMs: 0 } };
  }
  release(): void {
    this.releases.shift()?.();
  }
  async close(): Promise<void> {}
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('vision worker', () => {
  it('keeps only the latest frame per camera while inference is busy, and counts the dropped ones', async () => {
    const log = createLogger('test', { level: 'silent' });
    const bus = new EventBus(log);
    const vision = new GatedVision();
    const dropped: string[] = [];
    const w = new VisionWorker({ vision, bus, metrics: createMetrics(), log, queueSize: 8, onDropped: (c) => dropped.push(c) });
    const out: AnalysedFrame[] = [];
    bus.on('analysis', 'test', (a) => out.push(a));
    w.start();
    const frame = (cameraId: string, n: number) => bus.emit('frame', { cameraId, jpeg: Buffer.from(`${cameraId}-${n}`), at: n });
    frame('a', 1); // starts at once
    frame('a', 2);
    frame('b', 1);
    frame('a', 3); // replaces a-2
    frame('b', 2); // replaces b-1
    await tick();
    for (let i = 0; i < 3; i++) {
      vision.release();
      await tick();
      await tick();
    }
    expect(vision.seen).toEqual(['a-1', 'a-3', 'b-2']);
    expect(dropped).toEqual(['a', 'b']);
    expect(out.map((o) => `${o.cameraId}@${o.at}`)).toEqual(['a@1', 'a@3', 'b@2']);
    await w.stop();
  });

  it('gives every frame back to its camera once, whether analysed or dropped, and only after analyze() is done', async () => {
    const log = createLogger('test', { level: 'silent' });
    const bus = new EventBus(log);
    const vision = new GatedVision();
    const w = new VisionWorker({ vision, bus, metrics: createMetrics(), log, queueSize: 8, onDropped: () => {} });
    w.start();
    const released: string[] = [];
    const frame = (n: number) => {
      const name = `a-${n}`;
      bus.emit('frame', { cameraId: 'a', jpeg: Buffer.from(name), at: n, release: () => released.push(name) });
    };
    frame(1); // analysed
    frame(2); // dropped: replaced by a-3
    frame(3); // analysed
    await tick();
    expect(released).toEqual(['a-2']); // a-1 is still in analyze()
    vision.release();
    await tick();
    await tick();
    expect(released).toEqual(['a-2', 'a-1']);
    vision.release();
    await tick();
    await tick();
    expect(released).toEqual(['a-2', 'a-1', 'a-3']);
    await w.stop();
  });
});
