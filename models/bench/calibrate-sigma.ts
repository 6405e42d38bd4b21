/**
 * Calibrates the fill model's sigma: on validation seeds 500,000+ (normal) and 600,000+ (hard), which
 * neither training nor eval:vision uses, the factor k such that 68 % of the fill errors on the true boxes
 * lie within k × sigma (a calibrated Gaussian's one-sigma share), written into fill.json as sigmaScale.
 * readFills multiplies every sigma by it. Run after export: tsx bench/calibrate-sigma.ts [--model-dir DIR] [--count N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR, decodeImage, loadFill, readFills } from '../src/index.js';
import { truthBox } from '../src/eval/metrics.js';
import { updateModelMeta, validationScenes } from './validation.js';

const { values } = parseArgs({
  options: { 'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR }, count: { type: 'string', default: '60' } },
});
const file = join(values['model-dir'], 'fill.json');
const fill = await loadFill(file, 1);
// the model's own sigma, before any scale: the ratio is measured against what the network outputs
fill.meta.sigmaScale = 1;
const ratios: number[] = [];
for await (const r of validationScenes(Number(values.count))) {
  const img = await decodeImage(r.jpeg);
  const seen = r.bottles.filter((b) => !b.ignore && b.fillObservable);
  (await readFills(fill, img, seen.map(truthBox))).forEach((got, k) => {
    if (got) ratios.push(Math.abs(got.fill - seen[k]!.fill) / Math.max(got.sigma, 1e-6));
  });
}
await fill.session.release();
ratios.sort((a, b) => a - b);
const scale = Math.round(ratios[Math.floor(0.68 * (ratios.length - 1))]! * 1000) / 1000;
await updateModelMeta(file, { sigmaScale: scale });
console.log(
  `sigmaScale ${scale}: 68 % of ${ratios.length} fill errors (validation seeds, true boxes) lie within ${scale} × sigma; written to ${file}`,
);
