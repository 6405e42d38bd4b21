import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFolder, type CocoResult } from '../src/index.js';
import { writeConstantYoloFolder } from './helpers/onnx-builder.js';

/**
 * A generated folder with a known answer: a constant "detector" (64x64 input, classes person and
 * bottle) that always sees one bottle at input (cx 32, cy 32, 8 x 16) with score 0.9 and one at
 * (10, 40, 4 x 4) with score 0.2. Each 128x64 photo is letterboxed by 0.5 with 16 px bands above
 * and below, so in the photo's pixels the bottles are [56, 16, 16, 32] and [16, 44, 8, 8].
 */
const COLS = [
  [32, 32, 8, 16, 0.0, 0.9],
  [10, 40, 4, 4, 0.0, 0.2],
];
let dir: string;
let images: string;
let modelDir: string;
let coco: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detect-'));
  modelDir = join(dir, 'model');
  images = join(dir, 'photos');
  await mkdir(modelDir);
  await mkdir(images);
  await writeConstantYoloFolder(modelDir, COLS);
  for (const [name, colour] of [
    ['a.jpg', '#345'],
    ['b.png', '#654'],
  ] as const) {
    const img = sharp({ create: { width: 128, height: 64, channels: 3, background: colour } });
    await (name.endsWith('.png') ? img.png() : img.jpeg()).toFile(join(images, name));
  }
  await writeFile(join(images, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  await writeFile(join(images, 'notes.txt'), 'not an image');
  // truth: the 0.9 bottle in both photos, a bottle the detector misses in b, and a can (not scored)
  coco = join(dir, 'annotations.json');
  await writeFile(
    coco,
    JSON.stringify({
      images: [
        { id: 1, file_name: 'images/a.jpg' },
        { id: 2, file_name: 'b.png' },
      ],
      categories: [
        { id: 1, name: 'bottle' },
        { id: 2, name: 'can' },
      ],
      annotations: [
        { image_id: 1, category_id: 1, bbox: [56, 16, 16, 32] },
        { image_id: 2, category_id: 1, bbox: [56, 16, 16, 32] },
        { image_id: 2, category_id: 1, bbox: [100, 10, 10, 20] },
        { image_id: 2, category_id: 2, bbox: [16, 44, 8, 8] },
      ],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detect over a folder', () => {
  it('writes COCO results in the photos’ pixels at the operating point, skipping a corrupt photo by name', async () => {
    const out = join(dir, 'preds.json');
    const log: string[] = [];
    // the constant detector sees the same boxes in every turned view and every tile too: the lying pass is
    // lying.test.ts's, auto tiles auto-tiles.test.ts's
    const r = await detectFolder({ folder: images, out, modelDir, lying: false, tiles: null }, (l) => log.push(l));
    expect(r.images).toBe(2);
    expect(r.skipped.map((s) => s.file)).toEqual(['broken.jpg']);
    expect(log.join('\n')).toMatch(/^skipped broken\.jpg: cannot decode image/m);
    expect(log.join('\n')).toMatch(/^not images, passed over: notes\.txt$/m);
    const written = JSON.parse(await readFile(out, 'utf8')) as CocoResult[];
    expect(written).toEqual(r.results);
    expect(written.map((p) => [p.file_name, p.bbox, p.score, p.label])).toEqual([
      ['a.jpg', [56, 16, 16, 32], 0.9, 'bottle'],
      ['b.png', [56, 16, 16, 32], 0.9, 'bottle'],
    ]);
    // the fill model came from the shipped folder: a level, or null where it says it cannot see one
    for (const p of written) expect(p.fillObservable).toBe(p.fill !== null);
  });

  it('--threshold lowers what is written; --coco scores AP and the operating point against the labels', async () => {
    const r = await detectFolder({ folder: images, out: join(dir, 'all.json'), modelDir, threshold: 0.1, coco, lying: false, tiles: null });
    expect(r.results.map((p) => [p.file_name, p.bbox, p.score])).toEqual([
      ['a.jpg', [56, 16, 16, 32], 0.9],
      ['a.jpg', [16, 44, 8, 8], 0.2],
      ['b.png', [56, 16, 16, 32], 0.9],
      ['b.png', [16, 44, 8, 8], 0.2],
    ]);
    // 3 bottles, 2 found first with exact boxes: precision 1 up to recall 2/3 at every IoU, which
    // COCO's 101-point AP counts as 67 of its 101 recall points
    expect(r.score).toMatchObject({ images: 2, bottles: 3, threshold: 0.5, precision: 1 });
    expect(r.score!.ap50).toBeCloseTo(67 / 101, 6);
    expect(r.score!.ap5095).toBeCloseTo(67 / 101, 6);
    expect(r.score!.recall).toBeCloseTo(2 / 3, 6);
  });

  it('the npm script: prints the scores, reports the skipped photo, and refuses bad usage with exit 2', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'models/src/detect/cli.ts', ...args], { cwd: root }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const ok = await run(
      images,
      '--out',
      join(dir, 'cli.json'),
      '--model-dir',
      modelDir,
      '--coco',
      coco,
      '--lying',
      'off',
      '--tiles',
      'none',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/2 bottles in 2 images → .*cli\.json \(1 skipped: broken\.jpg\)/);
    expect(ok.stdout).toMatch(/AP50 0\.663 {2}AP50:95 0\.663/);
    expect(ok.stdout).toMatch(/score ≥ 0\.5\): precision 1\.000 {2}recall 0\.667/);
    expect(ok.stderr).toMatch(/skipped broken\.jpg/);
    const bad = await run(images, '--threshold', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threshold must be a number in \[0, 1\], got "2"/);
    const tiles = await run(images, '--tiles', '3by2');
    expect(tiles.code).toBe(2);
    expect(tiles.stderr).toMatch(/--tiles must be auto, none or COLSxROWS \(1-8 each, e\.g\. 3x2\), got "3by2"/);
    const lying = await run(images, '--lying', 'yes');
    expect(lying.code).toBe(2);
    expect(lying.stderr).toMatch(/--lying must be on or off, got "yes"/);
    const none = await run(join(dir, 'nope'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cannot read the image folder .*nope \(ENOENT\)/);
  }, 150_000); // five tsx processes, each compiling the CLI: over 30 s on a loaded machine
});
