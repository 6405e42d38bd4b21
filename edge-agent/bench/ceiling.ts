/**
 * The vision library's ceiling for one frame, and what analyze() adds to it, measured on the frame the
 * agent analyses. The ceiling is the two models alone in onnxruntime: the detector on the frame's
 * letterboxed tensor and the fill model on the batch of its bottles' crops, with the agent's thread
 * count (1), back to back, nothing else in the process. Whatever the agent spends per frame beyond
 * it (decoding, resizing, crops, NMS, the rest of the agent, other processes) is the gap.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  DEFAULT_MODEL_DIR,
  cropInto,
  decodeImage,
  detectorInput,
  headerSize,
  loadDetector,
  loadFill,
  type BottleVision,
  type RawFrame,
} from '@smartstock/models';
import { findFfmpeg } from '@smartstock/runtime';
import { shrinkOnLoadWidth } from '../src/camera/ffmpeg-args.js';
import { PpmSplitter } from '../src/camera/ppm-splitter.js';

export interface Cost {
  /** median wall time, ms */
  wallMs: number;
  /** CPU time of this process per call, ms (every thread) */
  cpuMs: number;
}

/**
 * Median wall time and mean CPU per call of `fn`, after a warm-up. `between`, when given, runs before each
 * call outside what is counted (CPU then summed call by call).
 */
export async function costOf(fn: () => Promise<unknown>, n = 30, between?: () => void): Promise<Cost> {
  for (let i = 0; i < 3; i++) await fn();
  const t: number[] = [];
  let cpuMs = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    between?.();
    const c1 = between ? process.cpuUsage() : c0;
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
    if (between) {
      const c = process.cpuUsage(c1);
      cpuMs += (c.user + c.system) / 1000;
    }
  }
  if (!between) {
    const c = process.cpuUsage(c0);
    cpuMs = (c.user + c.system) / 1000;
  }
  t.sort((a, b) => a - b);
  return { wallMs: t[n >> 1]!, cpuMs: cpuMs / n };
}

/** One frame of `video` as the agent's ffmpeg hands it over (ffmpeg-args.ts): the JPEG, and the raw frame with the detector's view. */
export function agentFrame(video: string, atSeconds: number, detector: { width: number; height: number }): { jpeg: Buffer; raw: RawFrame } {
  const grab = (filters: string, codec: string[]) =>
    spawnSync(
      findFfmpeg(),
      [
        '-v',
        'error',
        '-ss',
        String(atSeconds),
        '-i',
        video,
        '-frames:v',
        '1',
        '-vf',
        `scale='min(1280,iw)':-2,${filters}`,
        ...codec,
        'pipe:1',
      ],
      { maxBuffer: 64 << 20 },
    ).stdout;
  const ppm = (scale: string) =>
    new PpmSplitter().push(grab(`scale=${scale}:flags=bilinear,format=rgb24`, ['-c:v', 'ppm', '-f', 'image2pipe']))[0]!;
  const jpeg = grab('null', ['-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe']);
  const frame = ppm(`w='${shrinkOnLoadWidth(detector)}':h=-2`);
  const view = ppm(`${detector.width}:${detector.height}:force_original_aspect_ratio=decrease`);
  const size = headerSize(jpeg)!;
  return { jpeg, raw: { ...frame, sourceWidth: size.width, sourceHeight: size.height, detectorView: view } };
}

/**
 * The ceiling (bare onnxruntime, both models) over `frames` in turn: each frame's detector tensor
 * and the batch of crops of the bottles analyze() finds in it, prepared beforehand. `between` runs before each
 * frame, not counted (coldCaches: the frame after other work, as in the agent).
 */
export async function bareModels(
  vision: BottleVision,
  frames: readonly RawFrame[],
  threads: number,
  between?: () => void,
): Promise<{ cost: Cost; bottles: number }> {
  const detector = await loadDetector(join(DEFAULT_MODEL_DIR, 'detector.json'), threads);
  const fill = await loadFill(join(DEFAULT_MODEL_DIR, 'fill.json'), threads);
  const { width: dw, height: dh } = detector.meta.input;
  const { width: fw, height: fh } = fill.meta.input;
  const inputs: { det: ort.Tensor; fill: ort.Tensor | null; bottles: number }[] = [];
  for (const raw of frames) {
    const img = await decodeImage(raw);
    // the agent's own detector input (layout, range, placement, the frame's detectorView), not a copy of it
    const det = new ort.Tensor('float32', (await detectorInput(detector, img, raw.detectorView)).tensor, [1, 3, dh, dw]);
    const sx = img.width / (raw.sourceWidth ?? img.width);
    const sy = img.height / (raw.sourceHeight ?? img.height);
    const boxes = (await vision.analyze(raw)).bottles.map((b) => ({ x: b.box.x * sx, y: b.box.y * sy, w: b.box.w * sx, h: b.box.h * sy }));
    const batch = new Float32Array(3 * fw * fh * boxes.length);
    boxes.forEach((b, i) => cropInto(img, b, fw, fh, batch, i * 3 * fw * fh));
    inputs.push({ det, fill: boxes.length ? new ort.Tensor('float32', batch, [boxes.length, 3, fh, fw]) : null, bottles: boxes.length });
  }
  let i = 0;
  const cost = await costOf(
    async () => {
      const x = inputs[i++ % inputs.length]!;
      await detector.session.run({ [detector.session.inputNames[0]!]: x.det });
      if (x.fill) await fill.session.run({ [fill.session.inputNames[0]!]: x.fill });
    },
    10 * inputs.length,
    between,
  );
  await detector.session.release();
  await fill.session.release();
  return { cost, bottles: inputs.reduce((s, x) => s + x.bottles, 0) / inputs.length };
}

/**
 * Writes 64 MB, a line in 64 bytes: the models' weights and buffers leave the CPU's caches, as they do in the
 * agent between two frames (32 ffmpegs decoding, the camera path, everything else on the machine).
 */
export function coldCaches(): () => void {
  const junk = new Uint8Array(64 << 20);
  return () => {
    for (let i = 0; i < junk.length; i += 64) junk[i] = (junk[i]! + 1) & 255;
  };
}

/** analyze() alone over `images` in turn, back to back. */
export async function bareAnalyze(vision: BottleVision, images: readonly Parameters<BottleVision['analyze']>[0][]): Promise<Cost> {
  let i = 0;
  return costOf(() => vision.analyze(images[i++ % images.length]!), 10 * images.length);
}
