/**
 * Picks the detector's operating score threshold and NMS IoU (best F1 at IoU 0.5) on validation seeds
 * 500,000+ (normal) and 600,000+ (hard), which neither training nor eval:vision uses, and writes
 * them into detector.json. Run after export: tsx bench/pick-threshold.ts [--model-dir DIR] [--count N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR, loadBottleVision } from '../src/index.js';
import { averagePrecision, operatingPoint, truthBox, type ImageResult } from '../src/eval/metrics.js';
import { updateModelMeta, validationScenes } from './validation.js';

const { values } = parseArgs({
  options: { 'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR }, count: { type: 'string', default: '40' } },
});
const dir = values['model-dir'];
type Frame = { jpeg: Buffer; truth: ImageResult['truth'] };
const frames: Frame[] = [];
for await (const r of validationScenes(Number(values.count))) frames.push({ jpeg: r.jpeg, truth: r.bottles.map(truthBox) });
// The NMS IoU is swept with the score: bottles in a back row overlap the front row's boxes, so a
// low IoU drops real bottles, a high one keeps duplicates; F1 weighs both. F1 is flat near its best,
// so IoUs within F1_TIE of it are told apart by AP50 on the same frames.
const F1_TIE = 0.002;
const perIou: { t: number; iou: number; f1: number; ap: number }[] = [];
for (const iou of [0.45, 0.5, 0.55, 0.6, 0.65, 0.7]) {
  const vision = await loadBottleVision({ modelDir: dir, threads: 1, scoreThreshold: 0.05, iouThreshold: iou });
  const results: ImageResult[] = [];
  for (const f of frames) {
    const a = await vision.analyze(f.jpeg);
    results.push({ truth: f.truth, preds: a.bottles.map((d) => ({ ...d.box, score: d.score })) });
  }
  await vision.close();
  const ap = averagePrecision(results, 0.5);
  let best = { t: 0.3, iou, f1: -1, ap };
  for (let t = 0.1; t <= 0.8001; t += 0.025) {
    const op = operatingPoint(results, t);
    const f1 = (2 * op.precision * op.recall) / (op.precision + op.recall);
    console.log(
      `iou ${iou.toFixed(2)} threshold ${t.toFixed(3)} precision ${op.precision.toFixed(3)} recall ${op.recall.toFixed(3)} F1 ${f1.toFixed(3)}`,
    );
    if (f1 > best.f1) best = { t: Math.round(t * 1000) / 1000, iou, f1, ap };
  }
  console.log(`iou ${iou.toFixed(2)}: best F1 ${best.f1.toFixed(3)} at ${best.t}, AP50 ${ap.toFixed(3)}`);
  perIou.push(best);
}
const topF1 = Math.max(...perIou.map((b) => b.f1));
const best = perIou.filter((b) => b.f1 >= topF1 - F1_TIE).sort((a, b) => b.ap - a.ap)[0]!;
const file = join(dir, 'detector.json');
await updateModelMeta(file, { scoreThreshold: best.t, iouThreshold: best.iou });
console.log(`scoreThreshold ${best.t}, iouThreshold ${best.iou} (F1 ${best.f1.toFixed(3)}, AP50 ${best.ap.toFixed(3)}) written to ${file}`);
