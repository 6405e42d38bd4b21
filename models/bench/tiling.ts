/**
 * Small bottles on a high-resolution camera: each detector on 1080p frames, the whole frame in one
 * pass beside 2x2 and 3x3 tiled passes (models/src/vision/tiles.ts), AP50 against the 1080p frame's time.
 * Two sets: generated back bars nine to a frame (renderWideScene, seeds 1,000,000+) and the 1080p
 * held-out-SKU composites on real photos (`cd train && .venv/bin/python finetune_yolox.py --write-wide ../.cache/wide`).
 *   npx tsx bench/tiling.ts [--frames N]   (also a table of eval:vision)
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { averagePrecision, bootstrapInterval, operatingPoint, truthBox, type ImageResult } from '../src/eval/metrics.js';
import { DEFAULT_MODEL_DIR, fillFolderFor, loadBottleVision, readDetectorMetadata, renderWideScene, type TilePlan } from '../src/index.js';

const MODELS = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WIDE = join(MODELS, '.cache', 'wide');
const GRIDS: [string, TilePlan][] = [
  ['whole frame', null],
  ['auto tiles (autoTiles: 8x5 at 1080p for a 416 input)', 'auto'],
  ['2x2 tiles', { cols: 2, rows: 2, overlap: 0.2 }],
  ['3x3 tiles', { cols: 3, rows: 3, overlap: 0.2 }],
];

interface Frame {
  jpeg: Buffer;
  truth: { x: number; y: number; w: number; h: number }[];
}

async function generatedFrames(n: number): Promise<Frame[]> {
  const out: Frame[] = [];
  for (let i = 0; i < n; i++) {
    const r = await renderWideScene({ firstSeed: 1_000_000 + i * 9, cols: 3, rows: 3 });
    out.push({ jpeg: r.jpeg, truth: r.bottles.filter((b) => !b.ignore).map(truthBox) });
  }
  return out;
}

async function compositeFrames(): Promise<Frame[]> {
  const coco = JSON.parse(await readFile(join(WIDE, 'annotations.json'), 'utf8')) as {
    images: { id: number; file_name: string }[];
    annotations: { image_id: number; bbox: number[] }[];
  };
  return Promise.all(
    coco.images.map(async (im) => ({
      jpeg: await readFile(join(WIDE, im.file_name)),
      truth: coco.annotations
        .filter((a) => a.image_id === im.id)
        .map((a) => ({ x: a.bbox[0]!, y: a.bbox[1]!, w: a.bbox[2]!, h: a.bbox[3]! })),
    })),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (n: number, d = 3): string => (Number.isNaN(n) ? 'n/a' : n.toFixed(d));

/** The detectors to compare: [name, model folder]; fills from each folder's own fill model, else the shipped one. */
export async function tilingTable(detectors: [string, string][], frames = 8): Promise<string> {
  const sets: [string, Frame[]][] = [[`generated back bars, 9 to a 1080p frame (${frames} frames)`, await generatedFrames(frames)]];
  if (existsSync(join(WIDE, 'annotations.json'))) sets.push(['held-out SKUs on real photos, 1080p composites', await compositeFrames()]);
  else console.error(`(${WIDE} missing: cd train && .venv/bin/python finetune_yolox.py --write-wide ../.cache/wide)`);
  const lines = [
    `| detector | pass | ${sets.map(([name, fr]) => `${name}: AP50 [90 %] (${fr.reduce((n, x) => n + x.truth.length, 0)} bottles) | P / R`).join(' | ')} | 1080p frame ms (1 thread, median) |`,
    `|---|---|${sets.map(() => '---|---|').join('')}---|`,
  ];
  for (const [name, dir] of detectors) {
    const thr = (await readDetectorMetadata(join(dir, 'detector.json'))).scoreThreshold;
    for (const [pass, tiles] of GRIDS) {
      const vision = await loadBottleVision({ modelDir: dir, fillDir: fillFolderFor(dir), threads: 1, scoreThreshold: 0.01, tiles });
      const cells: string[] = [];
      const ms: number[] = [];
      for (const [, fr] of sets) {
        const res: ImageResult[] = [];
        for (const { jpeg, truth } of fr) {
          const a = await vision.analyze(jpeg);
          ms.push(a.timings.totalMs);
          res.push({ truth, preds: a.bottles.map((d) => ({ ...d.box, score: d.score })) });
        }
        const [lo, hi] = bootstrapInterval(res, (r) => averagePrecision(r, 0.5));
        const op = operatingPoint(res, thr);
        cells.push(`${f(averagePrecision(res, 0.5))} [${f(lo)}-${f(hi)}]`, `${f(op.precision, 2)} / ${f(op.recall, 2)}`);
      }
      await vision.close();
      lines.push(`| ${name} | ${pass} | ${cells.join(' | ')} | ${f(median(ms), 1)} |`);
    }
  }
  return lines.join('\n');
}

/** The shipped detector and the committed YOLOX folders that exist. */
export function tilingDetectors(modelDir = DEFAULT_MODEL_DIR): [string, string][] {
  const onnx = join(MODELS, 'onnx');
  const all: [string, string][] = [
    ['the given model folder', modelDir],
    ['COCO YOLOX-Nano zero-shot, 416', join(onnx, 'yolox-nano-coco')],
    ['generated-shelves detector 0.7.0, 416x256', join(onnx, 'drawn-shelves')],
  ];
  return all.filter(([, dir], i) => existsSync(join(dir, 'detector.json')) && (i === 0 || resolve(dir) !== resolve(modelDir)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { frames: { type: 'string', default: '8' }, 'model-dir': { type: 'string', default: DEFAULT_MODEL_DIR } },
  });
  console.log('## models: small bottles on a 1080p camera, whole frame against tiled passes\n');
  console.log(await tilingTable(tilingDetectors(values['model-dir']), Number(values.frames)));
}
