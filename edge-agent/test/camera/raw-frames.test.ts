import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, headerSize, iou, loadBottleVision, type BottleVision } from '@smartstock/models';
import { createLogger, findFfmpeg } from '@smartstock/runtime';
import { EventBus, type Frame } from '../../src/bus.js';
import { Camera } from '../../src/camera/camera.js';
import { parseAgentConfig } from '../../src/config/load.js';
import { createMetrics } from '../../src/health/metrics.js';
import { makeShelfVideo } from '../helpers/shelf-video.js';

/**
 * Real ffmpeg, and the real models where models/onnx holds them: a camera with raw frames hands the
 * models RGB pictures made by ffmpeg's scaler beside the JPEG, and they read the same shelf as the JPEG.
 */
const HAVE_MODELS = existsSync(join(DEFAULT_MODEL_DIR, 'detector.json'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function framesOf(video: string, detectorInput: { width: number; height: number } | undefined, count: number): Promise<Frame[]> {
  const log = createLogger('test', { level: 'silent' });
  const bus = new EventBus(log);
  const config = parseAgentConfig({
    deviceId: 'raw',
    dataDir: mkdtempSync(join(tmpdir(), 'ss-raw-')),
    mqtt: { url: 'mqtt://127.0.0.1:9' },
    cameras: [],
  });
  const cam = new Camera(
    { id: 'c', url: pathToFileURL(video).href, transport: 'tcp', sampleEverySeconds: 0.5, enabled: true, slots: [] },
    { runtime: config.camera, ffmpegPath: findFfmpeg(), bus, metrics: createMetrics(), log, onStateChange: () => {}, detectorInput },
  );
  cleanups.push(() => cam.stop());
  const frames: Frame[] = [];
  bus.on('frame', 'test', (f) => frames.push(f));
  cam.start();
  const end = Date.now() + 30_000;
  while (frames.length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  await cam.stop();
  return frames;
}

describe('raw frames from ffmpeg', () => {
  it('come with every sampled JPEG, shrunk as the models shrink it, and the detector view at its letterboxed size', async () => {
    const shelf = await makeShelfVideo({ seed: 3, frames: 8, fps: 4, width: 1280, height: 720, still: true });
    const frames = await framesOf(shelf.video, { width: 416, height: 256 }, 2);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const f of frames) {
      expect(headerSize(f.jpeg)).toMatchObject({ width: 1280, height: 720 });
      expect(f.pixels).toMatchObject({ width: 640, height: 360, channels: 3, sourceWidth: 1280, sourceHeight: 720 });
      expect(f.pixels!.data.length).toBe(640 * 360 * 3);
      expect(f.pixels!.detectorView).toMatchObject({ width: 416, height: 234 });
    }
  });

  it('without a detector size (a tiled detector), keep the JPEG size and send no view', async () => {
    const shelf = await makeShelfVideo({ seed: 3, frames: 8, fps: 4, width: 640, height: 360, still: true });
    const [f] = await framesOf(shelf.video, undefined, 1);
    expect(f!.pixels).toMatchObject({ width: 640, height: 360, sourceWidth: 640, sourceHeight: 360 });
    expect(f!.pixels!.detectorView).toBeUndefined();
  });

  it.skipIf(!HAVE_MODELS)('read the same bottles as the JPEG of the same frame, in the JPEG’s pixels', async () => {
    const vision: BottleVision = await loadBottleVision();
    cleanups.push(() => vision.close());
    const shelf = await makeShelfVideo({ seed: 3, frames: 8, fps: 4, width: 1280, height: 720, still: true });
    const [f] = await framesOf(shelf.video, vision.input, 1);
    const fromJpeg = await vision.analyze(f!.jpeg);
    const fromRaw = await vision.analyze(f!.pixels!);
    expect(fromRaw).toMatchObject({ width: 1280, height: 720 });
    expect(fromJpeg.bottles.length).toBeGreaterThan(3);
    // different scalers (ffmpeg's, sharp's) and no JPEG artefacts: nearly, not exactly, the same
    expect(Math.abs(fromRaw.bottles.length - fromJpeg.bottles.length)).toBeLessThanOrEqual(1);
    const box = (b: (typeof fromJpeg.bottles)[number]) => ({ ...b.box, score: b.score, label: b.label });
    const matched = fromJpeg.bottles.filter((j) => fromRaw.bottles.some((r) => iou(box(j), box(r)) > 0.7));
    expect(matched.length).toBeGreaterThanOrEqual(fromJpeg.bottles.length - 1);
    const fills = fromJpeg.bottles.flatMap((j) => {
      const r = fromRaw.bottles.find((x) => iou(box(j), box(x)) > 0.7);
      return r && r.fill !== null && j.fill !== null ? [Math.abs(r.fill - j.fill)] : [];
    });
    expect(fills.reduce((s, d) => s + d, 0) / fills.length).toBeLessThan(0.05);
  });
});
