import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COCO_CLASSES,
  DEFAULT_MODEL_DIR,
  decodeYolox,
  letterbox,
  loadBottleVision,
  looksLikeYolox,
  readOnnxShapes,
  VisionError,
  yoloxDetectorMetadata,
  yoloxRows,
} from '../src/index.js';
import { constantOutputModel } from './helpers/onnx-builder.js';

/** A 64x64 YOLOX with classes person, bottle: rows 8x8 (stride 8), 4x4 (16), 2x2 (32) = 84, 7 values each. */
const CLASSES = ['person', 'bottle'];
const ROWS = yoloxRows(64, 64);
const meta = {
  classes: CLASSES,
  bottleClasses: ['bottle'],
  file: 'yolox.onnx',
  decoded: false,
  input: { width: 64, height: 64, pad: 114 },
};

function yoloxOutput(rows: Record<number, number[]>): Float32Array {
  const out = new Float32Array(ROWS * 7);
  for (const [i, v] of Object.entries(rows)) out.set(v, Number(i) * 7);
  return out;
}

// stride 16 grid starts after the 64 stride-8 rows; its cell (column 1, row 2) is row 64 + 2*4 + 1 = 73
const BOTTLE_ROW = 73;
const OUT = yoloxOutput({
  [BOTTLE_ROW]: [0.5, 0.5, Math.log(2), Math.log(4), 0.9, 0.1, 0.8], // cx (0.5+1)*16 = 24, cy 40, w 32, h 64
  10: [0, 0, 0, 0, 0.9, 0.95, 0.05], // a person: not a bottle
  20: [0, 0, 0, 0, 0.2, 0, 0.9], // objectness 0.2: score 0.18, under the threshold
  83: [0.5, 0.5, 0, 0, 0.6, 0, 0.5], // stride 32, cell (1, 1): cx 48, cy 48, 32 x 32; score 0.3
});

describe('YOLOX decode', () => {
  it('turns grid offsets into boxes over the 8/16/32 grids, score = objectness × class', () => {
    const c = decodeYolox(OUT, [1, ROWS, 7], meta, { scale: 1, padX: 0, padY: 0 }, { width: 100, height: 100 }, 0.25);
    expect(c.map((b) => [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 1000) / 1000))).toEqual([
      [8, 8, 32, 64],
      [32, 32, 32, 32],
    ]);
    expect(c.map((b) => b.score)).toEqual([Math.fround(0.9) * Math.fround(0.8), Math.fround(0.6) * Math.fround(0.5)]);
    expect(c.every((b) => b.label === 'bottle')).toBe(true);
  });

  it('maps back through a top-left letterbox and clips to the source', () => {
    // a 128x100 source shrunk by 0.5 into the 64x64 input, at the top-left
    const c = decodeYolox(OUT, [1, ROWS, 7], meta, { scale: 0.5, padX: 0, padY: 0 }, { width: 128, height: 100 }, 0.5);
    expect(c.map((b) => [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 1000) / 1000))).toEqual([[16, 16, 64, 84]]); // 16..144 in y, clipped at 100
  });

  it('reads an export that decoded its boxes itself as they are', () => {
    const out = yoloxOutput({ 5: [24, 40, 32, 64, 1, 0, 0.9] });
    const c = decodeYolox(out, [1, ROWS, 7], { ...meta, decoded: true }, { scale: 1, padX: 0, padY: 0 }, { width: 100, height: 100 }, 0.5);
    expect(c.map((b) => [b.x, b.y, b.w, b.h])).toEqual([[8, 8, 32, 64]]);
  });

  it('refuses an output that is not the YOLOX shape for its classes and input, saying which it expected', () => {
    const decode = (dims: number[]) => () => decodeYolox(OUT, dims, meta, { scale: 1, padX: 0, padY: 0 }, { width: 64, height: 64 }, 0.5);
    expect(decode([1, ROWS, 8])).toThrow(
      /yolox\.onnx: output shape \[1, 84, 8\] is not a YOLOX output for 2 classes at 64x64 \(expected \[1, 84, 7\]\)/,
    );
    expect(decode([1, 7, ROWS])).toThrow(VisionError);
    expect(decode([1, 80, 7])).toThrow(/expected \[1, 84, 7\]/);
  });
});

describe('YOLOX input', () => {
  it('is BGR in 0-255, placed at the top-left, padded with 114', async () => {
    const img = { data: Buffer.from([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };
    const lb = await letterbox(img, 2, 2, 114, { order: 'bgr', range: 255, align: 'top-left' });
    expect(lb).toMatchObject({ scale: 1, padX: 0, padY: 0 });
    // planes B, G, R; row 0 = the image, row 1 = padding
    expect([...lb.tensor]).toEqual([30, 60, 114, 114, 20, 50, 114, 114, 10, 40, 114, 114]);
  });
});

describe('a YOLOX model chosen by its metadata', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'yolox-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const folder = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'yolox.onnx'), constantOutputModel([1, 3, 64, 64], [1, ROWS, 7], OUT, [1, ROWS, 7]));
    const base = {
      task: 'detect',
      name: 'tiny-yolox',
      version: '1',
      file: 'yolox.onnx',
      format: 'yolox',
      input: { width: 64, height: 64 },
    };
    await writeFile(join(d, 'detector.json'), JSON.stringify({ ...base, classes: CLASSES, bottleClasses: ['bottle'], ...extra }));
    return d;
  };

  it('finds the bottles in source pixels, with the fill model from another folder', async () => {
    const vision = await loadBottleVision({ modelDir: await folder('ok', { scoreThreshold: 0.25 }), fillDir: DEFAULT_MODEL_DIR });
    try {
      const frame = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#555' } })
        .jpeg()
        .toBuffer();
      const res = await vision.analyze(frame);
      expect(res.bottles.map((b) => [b.box.x, b.box.y, b.box.w, b.box.h].map((v) => Math.round(v)))).toEqual([
        [16, 16, 64, 112], // 16..144, clipped at 128
        [64, 64, 64, 64],
      ]);
      expect(Object.keys(vision.versions).sort()).toEqual(['smartstock-fill', 'tiny-yolox']);
    } finally {
      await vision.close();
    }
  });

  it('metadata that disagrees with the export fails with the shape it expected', async () => {
    const vision = await loadBottleVision({ modelDir: await folder('three', { classes: ['person', 'bottle', 'cup'] }) });
    const frame = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(vision.analyze(frame)).rejects.toThrow(
      /output shape \[1, 84, 7\] is not a YOLOX output for 3 classes at 64x64 \(expected \[1, 84, 8\]\)/,
    );
    await vision.close();
    await expect(loadBottleVision({ modelDir: await folder('odd', { input: { width: 60, height: 60 } }) })).rejects.toThrow(
      /a YOLOX input must be a multiple of 32 on each side/,
    );
    await expect(loadBottleVision({ modelDir: await folder('dec', { format: 'yolo', decoded: true }) })).rejects.toThrow(
      /decoded must be true or false, and only for format "yolox"/,
    );
  });
});

describe('YOLOX import metadata, from the graph’s shapes', () => {
  const coco = join(DEFAULT_MODEL_DIR, 'yolox-nano-coco', 'yolox_nano.onnx');

  it('the committed COCO YOLOX-Nano: 416x416, 80 COCO classes, bottle', async () => {
    const shapes = await readOnnxShapes(coco, await readFile(coco));
    expect(shapes).toEqual({ input: [1, 3, 416, 416], output: [1, 3549, 85] });
    expect(looksLikeYolox(shapes)).toBe(true);
    expect(yoloxDetectorMetadata(coco, shapes)).toMatchObject({
      format: 'yolox',
      input: { width: 416, height: 416, pad: 114 },
      classes: [...COCO_CLASSES],
      bottleClasses: ['bottle'],
    });
    expect(COCO_CLASSES.indexOf('bottle')).toBe(39);
  });

  it('refuses what does not fit, with the reason', () => {
    const s = { input: [1, 3, 416, 416], output: [1, 3549, 85] };
    const m =
      (shapes: typeof s, o = {}) =>
      () =>
        yoloxDetectorMetadata('m.onnx', shapes, o);
    expect(m(s, { input: { width: 640, height: 640 } })).toThrow(/input is 416x416 \(shape \[1, 3, 416, 416\]\), not 640x640/);
    expect(m(s, { classes: ['a', 'bottle'] })).toThrow(/output \[1, 3549, 85\] holds 80 classes, but 2 class names were given/);
    expect(m({ ...s, output: [1, 2100, 85] })).toThrow(/has 2100 rows; a YOLOX export at 416x416 has 3549/);
    expect(m({ ...s, output: [1, 3549, 8] })).toThrow(/has 3 classes and no names in the file/);
    expect(m({ ...s, output: [1, 3549, 8] }, { classes: ['a', 'b', 'c'] })).toThrow(/no class named "bottle"/);
    expect(m({ input: [1, 3, 400, 400], output: [1, 3549, 85] })).toThrow(/not a multiple of 32/);
    expect(looksLikeYolox({ input: [1, 3, 256, 416], output: [1, 5, 1664] })).toBe(false);
  });
});
