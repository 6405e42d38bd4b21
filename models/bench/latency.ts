/**
 * Per-frame latency: a 720p JPEG through analyze() (decode, letterbox, detect, NMS, batched fills)
 * beside bare onnxruntime on pre-made tensors of the same models, measured in the same run, and the
 * JPEG decode alone: bare / (bare + decode alone) is the most any JPEG-in frame can reach.
 */
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, loadBottleVision, loadDetector, loadFill, makeScene, renderScene, type TilePlan } from '../src/index.js';

export interface LatencyRow {
  threads: number;
  frameMs: number;
  bareMs: number;
  /** sharp decoding the JPEG to raw RGB and nothing else: the floor under any JPEG-in frame. */
  jpegDecodeMs: number;
  decodeMs: number;
  detectMs: number;
  fillMs: number;
  bottles: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A 1280x720 calm scene with about ten bottles. */
export async function latencyFrame(): Promise<Buffer> {
  for (let seed = 500; ; seed++) {
    const s = makeScene({ seed, width: 1280, height: 720 });
    if (s.bottles.length >= 9 && s.bottles.length <= 12) return (await renderScene(s)).jpeg;
  }
}

/** analyze() and bare runs alternate, so load from other processes hits both alike. */
export async function measureLatency(threads: number, runs = 30, modelDir = DEFAULT_MODEL_DIR): Promise<LatencyRow> {
  const jpeg = await latencyFrame();
  const vision = await loadBottleVision({ modelDir, threads });
  const det = await loadDetector(join(modelDir, 'detector.json'), threads);
  const fill = await loadFill(join(modelDir, 'fill.json'), threads);
  const { width: dw, height: dh } = det.meta.input;
  const { width: fw, height: fh } = fill.meta.input;
  const bottles = (await vision.analyze(jpeg)).bottles.length;
  const n = Math.max(1, bottles);
  const dt = new ort.Tensor('float32', new Float32Array(3 * dw * dh).fill(0.5), [1, 3, dh, dw]);
  const ft = new ort.Tensor('float32', new Float32Array(n * 3 * fw * fh).fill(0.5), [n, 3, fh, fw]);
  const frame: number[] = [];
  const bare: number[] = [];
  const jpegDecode: number[] = [];
  const parts = { decodeMs: [] as number[], detectMs: [] as number[], fillMs: [] as number[] };
  for (let i = 0; i < runs + 3; i++) {
    const r = await vision.analyze(jpeg);
    const t0 = performance.now();
    await det.session.run({ [det.session.inputNames[0]!]: dt });
    await fill.session.run({ [fill.session.inputNames[0]!]: ft });
    const t1 = performance.now();
    await sharp(jpeg).raw().toBuffer();
    const t2 = performance.now();
    if (i < 3) continue;
    bare.push(t1 - t0);
    jpegDecode.push(t2 - t1);
    frame.push(r.timings.totalMs);
    parts.decodeMs.push(r.timings.decodeMs);
    parts.detectMs.push(r.timings.detectMs);
    parts.fillMs.push(r.timings.fillMs);
  }
  await vision.close();
  await det.session.release();
  await fill.session.release();
  return {
    threads,
    frameMs: median(frame),
    bareMs: median(bare),
    jpegDecodeMs: median(jpegDecode),
    decodeMs: median(parts.decodeMs),
    detectMs: median(parts.detectMs),
    fillMs: median(parts.fillMs),
    bottles,
  };
}

/** Median analyze() time of one 720p frame (decode, detect, fills), for comparing detectors and input sizes. */
export async function frameLatency(
  modelDir: string,
  fillDir: string,
  runs = 15,
  threads = 1,
  tiles?: TilePlan,
  lying?: boolean,
): Promise<number> {
  const jpeg = await latencyFrame();
  const vision = await loadBottleVision({ modelDir, fillDir, threads, tiles, lying });
  const ms: number[] = [];
  try {
    for (let i = 0; i < runs + 2; i++) {
      const t = (await vision.analyze(jpeg)).timings.totalMs;
      if (i >= 2) ms.push(t);
    }
  } finally {
    await vision.close();
  }
  return median(ms);
}

export function latencyTable(rows: LatencyRow[]): string {
  const lines = [
    '| threads | 720p frame, analyze() ms | decode+letterbox ms | detect+NMS ms | fills ms | bottles | bare onnxruntime ms (detector + fill batch) | bare / frame | JPEG decode alone ms | bare / (bare + decode alone) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.threads} | ${r.frameMs.toFixed(1)} | ${r.decodeMs.toFixed(1)} | ${r.detectMs.toFixed(1)} | ${r.fillMs.toFixed(1)} | ${r.bottles} | ${r.bareMs.toFixed(1)} | ${(r.bareMs / r.frameMs).toFixed(2)} | ${r.jpegDecodeMs.toFixed(1)} | ${(r.bareMs / (r.bareMs + r.jpegDecodeMs)).toFixed(2)} |`,
    );
  return lines.join('\n');
}
