import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadBottleVision,
  parseOnnxMetadata,
  parseYoloImgsz,
  parseYoloNames,
  readOnnxMetadata,
  VisionError,
  yoloDetectorMetadata,
} from '../src/index.js';
import { constantOutputModel, type ModelExtras } from './helpers/onnx-builder.js';

/** What Ultralytics' exporter writes into an ONNX file (str() of each value), for a 3-class model. */
const ULTRALYTICS = {
  description: 'Ultralytics YOLO11n model trained on bar.yaml',
  author: 'Ultralytics',
  version: '8.3.40',
  date: '2026-11-30T10:00:00.000000',
  stride: '32',
  task: 'detect',
  batch: '1',
  imgsz: '[64, 64]',
  names: "{0: 'person', 1: 'bottle', 2: \"men's cup\"}",
  args: "{'batch': 1, 'half': False, 'dynamic': False, 'simplify': True, 'opset': None, 'nms': False}",
};

/** Output [1, 7, 2]: a bottle at the centre (0.9) and a person (0.95). */
function model(extras: ModelExtras): Buffer {
  const cols = [
    [32, 32, 8, 16, 0.1, 0.9, 0.0],
    [10, 10, 6, 6, 0.95, 0.0, 0.0],
  ];
  const k = new Float32Array(7 * 2);
  cols.forEach((c, i) => c.forEach((v, j) => (k[j * 2 + i] = v)));
  return constantOutputModel([1, 3, 64, 64], [1, 7, 2], k, [1, 7, 2], extras);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yolo-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX metadata_props', () => {
  it('reads the key/value pairs an exporter wrote, past the graph', () => {
    expect(parseOnnxMetadata(model({ metadata: ULTRALYTICS }))).toEqual(ULTRALYTICS);
    expect(parseOnnxMetadata(model({}))).toEqual({});
  });

  it('a file that is not ONNX, or is missing, is a VisionError naming it', async () => {
    const junk = join(dir, 'junk.onnx');
    await writeFile(junk, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    await expect(readOnnxMetadata(junk)).rejects.toThrow(/junk\.onnx: not an ONNX model: field of \d+ bytes runs past the end/);
    await expect(readOnnxMetadata(join(dir, 'none.onnx'))).rejects.toThrow(/none\.onnx: cannot read the model \(ENOENT\)/);
  });
});

describe('detector.json from an Ultralytics export', () => {
  it('parses Python reprs of names and imgsz (height first)', () => {
    expect(parseYoloNames("{0: 'a', 1: \"b's\", 2: 'c\\'d'}")).toEqual(['a', "b's", "c'd"]);
    expect(parseYoloNames("{0: 'a', 2: 'c'}")).toBeNull(); // a gap: not trusted
    expect(parseYoloNames(undefined)).toBeNull();
    expect(parseYoloImgsz('[480, 640]')).toEqual({ width: 640, height: 480 });
    expect(parseYoloImgsz('416')).toEqual({ width: 416, height: 416 });
    expect(parseYoloImgsz('')).toBeNull();
  });

  it('the written file runs: the bottle class found, the person not', async () => {
    const d = join(dir, 'ok');
    await mkdir(d, { recursive: true });
    const onnx = join(d, 'yolo11n-bar.onnx');
    await writeFile(onnx, model({ metadata: ULTRALYTICS }));
    const meta = yoloDetectorMetadata(onnx, await readOnnxMetadata(onnx));
    expect(meta).toMatchObject({
      name: 'yolo11n-bar',
      version: '2026-11-30T10:00:00.000000', // not Ultralytics' own version: every export has that
      file: 'yolo11n-bar.onnx',
      input: { width: 64, height: 64, pad: 114 },
      classes: ['person', 'bottle', "men's cup"],
      bottleClasses: ['bottle'],
    });
    await writeFile(join(d, 'detector.json'), JSON.stringify(meta));
    const vision = await loadBottleVision({ modelDir: d });
    try {
      const frame = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#555' } })
        .jpeg()
        .toBuffer();
      const res = await vision.analyze(frame);
      expect(res.bottles.map((b) => [b.label, Math.round(b.score * 100)])).toEqual([['bottle', 90]]);
    } finally {
      await vision.close();
    }
  });

  it('refuses exports it cannot run, naming the flag that fixes them', () => {
    const f = '/m/x.onnx';
    const withArgs = (a: string) => ({ ...ULTRALYTICS, args: a });
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, task: 'segment' })).toThrow(/x\.onnx: is a YOLO "segment" model/);
    expect(() => yoloDetectorMetadata(f, withArgs("{'nms': True}"))).toThrow(/nms=False/);
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, end2end: 'True' })).toThrow(/end2end=False/);
    expect(() => yoloDetectorMetadata(f, withArgs("{'half': True, 'nms': False}"))).toThrow(/half=False/);
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, batch: '4' })).toThrow(/batches of 4; .*batch=1/);
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, batch: '4', args: "{'dynamic': True}" })).not.toThrow();
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, channels: '1' })).toThrow(/takes 1-channel images/);
    expect(() => yoloDetectorMetadata(f, { imgsz: '[64, 64]' })).toThrow(/no class names/);
    expect(() => yoloDetectorMetadata(f, { names: ULTRALYTICS.names })).toThrow(/no input size/);
    expect(() => yoloDetectorMetadata(f, { ...ULTRALYTICS, names: "{0: 'can', 1: 'glass'}" })).toThrow(
      /no class named "bottle" \(its classes: can, glass\)/,
    );
    expect(() => yoloDetectorMetadata(f, ULTRALYTICS, { bottleClasses: ['wine'] })).toThrow(/has no class "wine"/);
  });

  it('takes classes and input size from the caller when the metadata has none', () => {
    const meta = yoloDetectorMetadata(
      '/m/plain.onnx',
      {},
      { classes: ['bottle', 'can'], input: { width: 320, height: 320 }, name: 'shop' },
    );
    expect(meta).toMatchObject({ name: 'shop', classes: ['bottle', 'can'], bottleClasses: ['bottle'], input: { width: 320, height: 320 } });
  });

  it('a float16-input model (half=True) is refused at load with what to change', async () => {
    const d = join(dir, 'half');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'h.onnx'), model({ inputType: 'float16' }));
    await writeFile(
      join(d, 'detector.json'),
      JSON.stringify({ ...yoloDetectorMetadata(join(d, 'h.onnx'), { ...ULTRALYTICS, args: '{}' }), file: 'h.onnx' }),
    );
    const err = await loadBottleVision({ modelDir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VisionError);
    expect((err as Error).message).toMatch(/h\.onnx: input images is float16; SmartStock feeds float32/);
  });
});
