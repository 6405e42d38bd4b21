/**
 * Calibrates the fill model's sigma: on validation seeds 500,000+ (normal) and 600,000+ (hard), which
 * neither training nor eval:vision uses, the factor k such that 68 % of the fill errors on the true boxes
 * lie within k × sigma (a calibrated Gaussian's one-sigma share), written into fill.json as sigmaScale.
 * readFills multiplies every sigma by it. Run after export: tsx bench/calibrate-sigma.ts [--model-dir DIR] [--count N]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR, decodeImage, loadFill, makeScene, readFills, renderScene } from '../src/index.js';
import { truthBox } from '../src/eval/metrics.js';

const { values } = parseArgs({
  options: { 'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR }, count: { type: 'string', default: '60' } },
});
const file = join(values['model-dir'], 'fill.json');
const fill = await loadFill(file, 1);
// the model's own sigma, before any scale: the ratio is measured against what the network outputs
fill.meta.sigmaScale = 1;
const ratios: number[] = [];
for (const [split, first] of [
  ['normal', 500_000],
  ['hard', 600_000],
] as const) {
  for (let i = 0; i < Number(values.count); i++) {
    const r = await renderScene(makeScene({ seed: first + i, split, width: 640, height: 360 }));
    const img = await decodeImage(r.jpeg);
    const seen = r.bottles.filter((b) => !b.ignore && b.fillObservable);
    (await readFills(fill, img, seen.map(truthBox))).forEach((got, k) => {
      if (got) ratios.push(Math.abs(got.fill - seen[k]!.fill) / Math.max(got.sigma, 1e-6));
    });
  }
}
await fill.session.release();
ratios.sort((a, b) => a - b);
const scale = Math.round(ratios[Math.floor(0.68 * (ratios.length - 1))]! * 1000) / 1000;
const meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
meta.sigmaScale = scale;
await writeFile(file, JSON.stringify(meta, null, 2) + '\n');
console.log(
  `sigmaScale ${scale}: 68 % of ${ratios.length} fill errors (validation seeds, true boxes) lie within ${scale} × sigma; written to ${file}`,
);
