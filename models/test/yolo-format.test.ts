import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBottleVision, VisionError } from '../src/index.js';
import { constantOutputModel } from './helpers/onnx-builder.js';

/** A "user's YOLOv8 export": 64x64 input, classes person/bottle/cup, output [1, 7, 4] in input pixels. */
const COLS = [
  [32, 32, 8, 16, 0.1, 0.9, 0.0], // bottle in the middle
  [33, 32, 8, 16, 0.0, 0.7, 0.0], // duplicate: NMS drops it
  [10, 10, 6, 6, 0.99, 0.0, 0.0], // person
  [50, 40, 10, 10, 0.0, 0.1, 0.9], // cup
];
let dir: string;

function yoloModel(layout: 'first' | 'last'): Buffer {
  const n = COLS.length;
  const k = new Float32Array(7 * n);
  COLS.forEach((c, i) => c.forEach((v, j) => (k[layout === 'first' ? j * n + i : i * 7 + j] = v)));
  const dims = layout === 'first' ? [1, 7, n] : [1, n, 7];
  return constantOutputModel([1, 3, 64, 64], dims, k, dims);
}

async function writeModelDir(name: string, model: Buffer, meta: Record<string, unknown>): Promise<string> {
  const d = join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(d, { recursive: true }));
  await writeFile(join(d, 'yolo.onnx'), model);
  const base = {
    task: 'detect',
    name: 'user-yolo',
    version: '8.0',
    file: 'yolo.onnx',
    format: 'yolo',
    input: { width: 64, height: 64 },
    classes: ['person', 'bottle', 'cup'],
    bottleClasses: ['bottle'],
  };
  await writeFile(join(d, 'detector.json'), JSON.stringify({ ...base, ...meta }));
  return d;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yolo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a YOLOv8/YOLO11-format model chosen by its metadata', () => {
  const frame = (): Promise<Buffer> =>
    sharp({ create: { width: 128, height: 64, channels: 3, background: '#444' } })
      .jpeg()
      .toBuffer();

  for (const layout of ['first', 'last'] as const) {
    it(`finds only the bottle class, mapped back through the letterbox (${layout})`, async () => {
      const vision = await loadBottleVision({ modelDir: await writeModelDir(`m-${layout}`, yoloModel(layout), {}) });
      try {
        expect(vision.versions).toEqual({ 'user-yolo': '8.0' });
        const res = await vision.analyze(await frame());
        expect([res.width, res.height]).toEqual([128, 64]);
        // 128x64 into 64x64: scale 0.5, pad y 16. Input box cx 32 cy 32 w 8 h 16 → source x 56..72, y 16..48.
        expect(res.bottles).toHaveLength(1);
        const b = res.bottles[0]!;
        expect(b.label).toBe('bottle');
        expect(b.score).toBeCloseTo(0.9, 5);
        expect([b.box.x, b.box.y, b.box.w, b.box.h].map((v) => Math.round(v * 100) / 100)).toEqual([56, 16, 16, 32]);
        // no fill model in this folder: fill unknown
        expect(b.fill).toBeNull();
        expect(b.fillSigma).toBe(1);
      } finally {
        await vision.close();
      }
    });
  }

  it('counts cups as bottles when the metadata says so', async () => {
    const vision = await loadBottleVision({
      modelDir: await writeModelDir('cups', yoloModel('first'), { bottleClasses: ['bottle', 'cup'] }),
    });
    const res = await vision.analyze(await frame());
    await vision.close();
    expect(res.bottles.map((b) => b.label).sort()).toEqual(['bottle', 'cup']);
  });
});

describe('bad models and bad images', () => {
  it('a model whose input shape disagrees with its metadata: VisionError naming the file', async () => {
    const d = await writeModelDir('mismatch', yoloModel('first'), { input: { width: 96, height: 96 } });
    const err = await loadBottleVision({ modelDir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VisionError);
    expect((err as VisionError).file).toBe(join(d, 'yolo.onnx'));
    expect((err as Error).message).toMatch(/shape \[1, 3, 64, 64\], metadata says \[1, 3, 96, 96\]/);
  });

  it('a missing model, a missing metadata file, a corrupt model, bad metadata', async () => {
    const missing = await writeModelDir('missing', yoloModel('first'), { file: 'nope.onnx' });
    await expect(loadBottleVision({ modelDir: missing })).rejects.toThrow(/nope\.onnx: model file is missing/);
    await expect(loadBottleVision({ modelDir: join(dir, 'no-such-dir') })).rejects.toThrow(
      /detector\.json: cannot read model metadata \(ENOENT\)/,
    );
    const corrupt = await writeModelDir('corrupt', Buffer.from('this is not onnx'), {});
    await expect(loadBottleVision({ modelDir: corrupt })).rejects.toThrow(/yolo\.onnx: onnxruntime cannot load the model/);
    const badMeta = await writeModelDir('badmeta', yoloModel('first'), { bottleClasses: ['wine'] });
    await expect(loadBottleVision({ modelDir: badMeta })).rejects.toThrow(/detector\.json: bottleClasses must name entries of classes/);
    const wrongClasses = await writeModelDir('wrongnc', yoloModel('first'), { classes: ['bottle'] });
    const v = await loadBottleVision({ modelDir: wrongClasses });
    await expect(
      v.analyze(
        await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
          .png()
          .toBuffer(),
      ),
    ).rejects.toThrow(/yolo\.onnx: output shape \[1, 7, 4\] does not fit 1 classes/);
    await v.close();
  });

  it('a truncated JPEG rejects with a VisionError and the session still works after it', async () => {
    const vision = await loadBottleVision({ modelDir: await writeModelDir('trunc', yoloModel('first'), {}) });
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    await expect(vision.analyze(good.subarray(0, 100))).rejects.toThrow(VisionError);
    expect((await vision.analyze(good)).bottles).toHaveLength(1);
    await vision.close();
  });
});
