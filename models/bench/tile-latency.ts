/**
 * What auto tiles cost: analyze() (decode, detect, fills; 1 thread) on a 720p frame, a 1080p frame and a
 * 12 MP phone photo (4032x3024), in one pass against tiles 'auto', alternating frame by frame so the
 * shared machine's load hits both alike; median of N. Also the grid auto picks for each size.
 *   npx tsx bench/tile-latency.ts [--runs N] [--model-dir DIR] [--threads N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { autoTiles, DEFAULT_MODEL_DIR, loadBottleVision, readDetectorMetadata, renderWideScene, type TilePlan } from '../src/index.js';
import { latencyFrame } from './latency.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR },
    threads: { type: 'string', default: '1' },
  },
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const modelDir = values['model-dir'];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const wide = (await renderWideScene({ firstSeed: 1_000_000, cols: 3, rows: 3 })).jpeg;
const frames: [string, Buffer][] = [
  ['720p frame (1280x720)', await latencyFrame()],
  ['1080p frame (1920x1080, nine shelves)', wide],
  ['phone photo (4032x3024, the same upscaled)', await sharp(wide).resize(4032, 3024, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer()],
];
const input = (await readDetectorMetadata(join(modelDir, 'detector.json'))).input;
const plans: [string, TilePlan][] = [
  ['one pass', null],
  ['auto tiles', 'auto'],
];
const visions = await Promise.all(plans.map(([, tiles]) => loadBottleVision({ modelDir, threads, tiles })));
console.log(`| image | auto grid | ${plans.map(([p]) => `${p} ms (decode / detect / fills)`).join(' | ')} | auto / one pass |`);
console.log(`|---|---|${plans.map(() => '---|').join('')}---|`);
for (const [name, jpeg] of frames) {
  const size = await sharp(jpeg).metadata();
  const grid = autoTiles(size.width!, size.height!, input);
  const t = plans.map(() => ({ total: [] as number[], decode: [] as number[], detect: [] as number[], fill: [] as number[] }));
  for (let i = 0; i < runs + 2; i++)
    for (const [k, v] of visions.entries()) {
      const r = (await v.analyze(jpeg)).timings;
      if (i < 2) continue;
      t[k]!.total.push(r.totalMs);
      t[k]!.decode.push(r.decodeMs);
      t[k]!.detect.push(r.detectMs);
      t[k]!.fill.push(r.fillMs);
    }
  const cells = t.map(
    (x) => `${median(x.total).toFixed(1)} (${[x.decode, x.detect, x.fill].map((y) => median(y).toFixed(1)).join(' / ')})`,
  );
  const ratio = median(t[1]!.total) / median(t[0]!.total);
  console.log(
    `| ${name} | ${grid ? `${grid.cols}x${grid.rows} + whole frame (${grid.cols * grid.rows + 1} passes)` : 'none'} | ${cells.join(' | ')} | ${ratio.toFixed(2)}x |`,
  );
}
for (const v of visions) await v.close();
